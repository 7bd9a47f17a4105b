/** The title review's workflow types (their names are recorded in running workflows: never rename one). */
export { titleApplicationWorkflow } from './titleApplication';
export { titleSessionWorkflow } from './titleSession';
export { titleMisconductWorkflow } from './titleMisconduct';
