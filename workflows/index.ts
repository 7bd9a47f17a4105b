/** The one workflow bundle entry: every installed process's workflow barrel (docs/CONVENTIONS.md, "Adding a process"). */
export * from '../nanxun/workflows';
export * from '../titleReview/workflows';
