/**
 * The yearly instalment release as a Temporal Schedule, created idempotently at start-up (visible in the
 * Temporal UI under Schedules). Its date is configurable: INSTALMENT_RELEASE_DATE=MM-DD (default 12-01),
 * at 09:00 Asia/Shanghai; a changed date updates the existing Schedule.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const INSTALMENT_RELEASE_SCHEDULE_ID = 'nanxun-instalment-release-yearly';

export function releaseDateFromEnv(value = process.env.INSTALMENT_RELEASE_DATE ?? '12-01'): { month: number; dayOfMonth: number } {
  const m = /^(\d{2})-(\d{2})$/.exec(value);
  const month = Number(m?.[1]);
  const dayOfMonth = Number(m?.[2]);
  if (!m || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 28) {
    throw new Error(`INSTALMENT_RELEASE_DATE must be MM-DD with a day from 01 to 28 (it must exist every year), got ${value}`);
  }
  return { month, dayOfMonth };
}

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
