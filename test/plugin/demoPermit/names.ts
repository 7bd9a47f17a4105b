/** The names the demo permit's workflow and its plug-in share (no imports: the workflow bundle takes this file). */
export const DEMO_PERMIT_SUBJECT = 'demo_permit';
export const DEMO_REVIEW_TASK = 'demo_permit_review';
