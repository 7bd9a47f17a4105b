/** Report: open tasks that are overdue (逾期) or near their deadline (预警), every organisation. */
import { z } from 'zod';
import { taskView } from '../http/views';
import { orgNames } from '../orgs/orgNames';
import type { AppDeps } from '../http/deps';
import { displayCalendar } from '../calendar/calendarTable';
import { shanghaiDate } from '../calendar/workdays';
import type { CsvColumns } from './csv';

export const OverdueRow = z.object({
  id: z.string(),
  kind: z.string(),
  orgCode: z.string(),
  orgName: z.string(),
  subjectRef: z.string(),
  createdAt: z.string(),
  dueAt: z.string().nullable(),
  dueOn: z.string().nullable(),
  workingDaysLeft: z.number().int().nullable(),
  warning: z.boolean(),
  overdue: z.boolean(),
});

export const OVERDUE_TASKS_CSV: CsvColumns = [
  ['subjectRef', '申请编号'],
  ['kind', '环节'],
  ['orgName', '承办单位'],
  ['createdAt', '收件时间'],
  ['dueOn', '办结期限'],
  ['workingDaysLeft', '剩余工作日'],
  ['overdue', '已逾期'],
  ['warning', '预警'],
];

/** Overdue open tasks, most overdue first, and with `includeWarning` those near their deadline too. */
export async function overdueTasks(db: AppDeps['db'], includeWarning: boolean): Promise<z.infer<typeof OverdueRow>[]> {
  const year = Number(shanghaiDate(new Date()).slice(0, 4));
  const [cal, tasks] = await Promise.all([
    displayCalendar(db, year - 1, year + 1),
    db.selectFrom('task').selectAll().where('state', '=', 'open').where('due_at', 'is not', null).orderBy('due_at').limit(5000).execute(),
  ]);
  const names = await orgNames(
    db,
    tasks.map((t) => t.org_code),
  );
  return tasks
    .map((t) => ({ t, v: taskView(t, cal) }))
    .filter(({ v }) => v.overdue || (includeWarning && v.warning))
    .map(({ t, v }) => ({
      id: v.id,
      kind: v.kind,
      orgCode: v.orgCode,
      orgName: names.get(t.org_code) ?? t.org_code,
      subjectRef: t.subject_ref,
      createdAt: v.createdAt,
      dueAt: v.dueAt,
      dueOn: v.dueOn,
      workingDaysLeft: v.workingDaysLeft,
      warning: v.warning,
      overdue: v.overdue,
    }));
}
