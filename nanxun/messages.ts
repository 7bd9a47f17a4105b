/** Signals of the Nanxun claim workflows (the shared human-task messages are in platform/tasks/messages.ts). */
import { defineSignal } from '@temporalio/workflow';

/** a fraud finding (弄虚作假): the claim's workflow cancels its open tasks and ends clawed back */
export const clawbackSignal = defineSignal<[{ reason: string; by: string }]>('clawback');
/** the yearly release opened this instalment's verification */
export const releaseInstalmentSignal = defineSignal<[{ yearNo: number; releaseId: string; releasedOn: string }]>('releaseInstalment');
/** a fund's budget changed: a payout waiting for budget tries again */
export const budgetChangedSignal = defineSignal('budgetChanged');
