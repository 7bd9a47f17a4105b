/** The Nanxun claims' workflow types (their names are recorded in running workflows: never rename one). */
export { certificateClaimWorkflow } from './certificateClaim';
export { shortageTalentClaimWorkflow } from './shortageTalentClaim';
export { highLevelClaimWorkflow } from './highLevelClaim';
export { instalmentReleaseWorkflow } from './instalmentRelease';
export { clawbackWorkflow } from './clawback';
