export { certificateClaimWorkflow } from './certificateClaim';
