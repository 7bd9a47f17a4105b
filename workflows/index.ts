export { certificateClaimWorkflow } from '../nanxun/workflows/certificateClaim';
export { shortageTalentClaimWorkflow } from '../nanxun/workflows/shortageTalentClaim';
export { highLevelClaimWorkflow } from '../nanxun/workflows/highLevelClaim';
export { instalmentReleaseWorkflow } from '../nanxun/workflows/instalmentRelease';
export { clawbackWorkflow } from '../nanxun/workflows/clawback';
export { titleApplicationWorkflow } from '../titleReview/workflows/titleApplication';
export { titleSessionWorkflow } from '../titleReview/workflows/titleSession';
export { titleMisconductWorkflow } from '../titleReview/workflows/titleMisconduct';
