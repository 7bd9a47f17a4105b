export { certificateClaimWorkflow } from './certificateClaim';
export { shortageTalentClaimWorkflow } from './shortageTalentClaim';
export { highLevelClaimWorkflow } from './highLevelClaim';
export { instalmentReleaseWorkflow } from './instalmentRelease';
export { clawbackWorkflow } from './clawback';
export { titleApplicationWorkflow } from './titleApplication';
export { titleSessionWorkflow } from './titleSession';
export { titleMisconductWorkflow } from './titleMisconduct';
