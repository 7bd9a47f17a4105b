/**
 * How stored rows are shown: instants with the +08:00 offset, ID numbers masked unless the viewer needs them.
 */
import type { Task, TimelineRow } from '../../db/schema';
import { formatShanghai, workingDaysBetween, shanghaiDate, type CalendarData } from '../calendar/workdays';
import { WARN_WORKING_DAYS_LEFT } from '../calendar/workdays';

/** The basis of a deadline as the task records it (platform/policy basisText). */
export interface PolicyBasis {
  editionId: string;
  title: string;
  parameter: string;
  clause: string;
  basis: string;
}

export const iso = (d: Date | string | null | undefined): string | null => (d == null ? null : formatShanghai(new Date(d)));

/** The inputs of a task's time-dependent fields (instants as Date or ISO string). */
export type TaskClock = Pick<Task, 'state' | 'due_on'> & {
  due_at: Date | string | null;
  warn_at: Date | string | null;
  warned_at: Date | string | null;
  overdue_at: Date | string | null;
  /** the warning days its policy edition set (absent or null: the platform default) */
  warn_working_days?: number | null;
};

/** workingDaysLeft / warning / overdue of a task now: they depend on the current time and the display calendar. */
export function taskClock(t: TaskClock, cal: CalendarData | null, now = new Date()) {
  const open = t.state === 'open';
  let workingDaysLeft: number | null = null;
  if (open && t.due_on && cal) {
    const today = shanghaiDate(now);
    workingDaysLeft = today > t.due_on ? -workingDaysBetween(t.due_on, today, cal).count : workingDaysBetween(today, t.due_on, cal).count;
  }
  const overdue = open && (t.overdue_at != null || (t.due_at != null && now > new Date(t.due_at)));
  const warning =
    open &&
    !overdue &&
    (t.warned_at != null ||
      (t.warn_at != null && now >= new Date(t.warn_at)) ||
      (workingDaysLeft != null && workingDaysLeft < (t.warn_working_days ?? WARN_WORKING_DAYS_LEFT)));
  return { workingDaysLeft, warning, overdue };
}

export function taskView(t: Task, cal: CalendarData | null, now = new Date()) {
  const { workingDaysLeft, warning, overdue } = taskClock(t, cal, now);
  return {
    id: t.id,
    kind: t.kind,
    state: t.state,
    subject: { type: t.subject_type, id: t.subject_id, ref: t.subject_ref },
    orgCode: t.org_code,
    createdAt: iso(t.opened_at)!,
    dueAt: iso(t.due_at),
    dueOn: t.due_on,
    dueProvisional: t.due_provisional,
    dueCalendar: t.due_calendar ?? null,
    /** the policy edition and clause the deadline comes from (tasks with a policy period) */
    policy: (t.policy as PolicyBasis | null) ?? null,
    workingDaysLeft,
    warning,
    overdue,
    decision: t.decision,
    decidedAt: iso(t.decided_at),
    decidedBy: t.decided_by,
    comment: t.comment,
  };
}

export function timelineView(r: TimelineRow, orgNames: Map<string, string>) {
  return {
    stage: r.stage,
    orgCode: r.org_code,
    orgName: r.org_code ? (orgNames.get(r.org_code) ?? null) : null,
    actor: r.actor,
    actorName: r.actor_name,
    event: r.event,
    decision: r.decision,
    comment: r.comment,
    /** the recorded opinion's particulars (附件2-1: 属实/不属实/暂无该证书信息, the level, the amount) */
    details: pickDetails(r.data),
    at: iso(r.at)!,
  };
}

const DETAIL_KEYS = ['verdict', 'confirmedLevel', 'amountYuan', 'instalmentNo', 'dueOn', 'remainingWorkingDays', 'missingKinds', 'materials'] as const;
function pickDetails(data: unknown): Record<string, unknown> | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  const out = Object.fromEntries(DETAIL_KEYS.filter((k) => d[k] !== undefined && d[k] !== null).map((k) => [k, d[k]]));
  return Object.keys(out).length ? out : null;
}
