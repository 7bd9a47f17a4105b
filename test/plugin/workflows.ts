/** The workflow bundle of the test-only plug-in's worker (a real process adds its export to workflows/index.ts). */
export { demoPermitWorkflow } from './demoPermit/workflow';
