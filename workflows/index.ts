/** The one workflow bundle entry: every installed process's workflow barrel (docs/CONVENTIONS.md, "Adding a process"). */
export * from '../nanxun/workflows';
export * from '../titleReview/workflows';
/** the kernel's own workflow: the reconciliation of the projection with the workflows */
export { reconciliationWorkflow } from '../platform/reconciliation/workflow';
