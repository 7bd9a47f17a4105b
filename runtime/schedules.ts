/**
 * The yearly instalment release as a Temporal Schedule, created idempotently at start-up (visible in the
 * Temporal UI under Schedules). Its date is configurable: INSTALMENT_RELEASE_DATE=MM-DD (default 12-01),
 * at 09:00 Asia/Shanghai; a changed date updates the existing Schedule.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const INSTALMENT_RELEASE_SCHEDULE_ID = 'nanxun-instalment-release-yearly';

export { releaseDateFromEnv } from '../nanxun/releaseDate';

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

export async function ensureInstalmentReleaseSchedule(
  client: Client,
  opts: { taskQueue: string; month: number; dayOfMonth: number },
): Promise<'created' | 'updated'> {
  const spec = {
    calendars: [{ month: MONTHS[opts.month - 1]!, dayOfMonth: opts.dayOfMonth, hour: 9, minute: 0 }],
    timezone: 'Asia/Shanghai',
  };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'instalmentReleaseWorkflow',
    workflowId: 'nanxun-instalment-release-scheduled',
    args: [{}],
    taskQueue: opts.taskQueue,
  };
  try {
    await client.schedule.create({
      scheduleId: INSTALMENT_RELEASE_SCHEDULE_ID,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
      memo: { purpose: '紧缺人才奖励 yearly instalment release (years 2 and 3)' },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  // it exists: make it match the configuration (date or task queue may have changed); updating is idempotent
  await client.schedule.getHandle(INSTALMENT_RELEASE_SCHEDULE_ID).update((prev) => ({ ...prev, spec, action }));
  return 'updated';
}
