/**
 * The notification outbox: every projection that reports something to a person calls one function here inside its
 * own transaction, so the message exists exactly when the change does. Rows are unique per (event key, recipient):
 * an activity retried after a crash, or replayed, writes nothing twice, and a committed change never lacks its
 * message. The SMS dispatcher (dispatcher.ts) sends them afterwards.
 *
 * Who hears of what (issue 13):
 * - applicants: a task about them decided (task_decided), materials requested (supplement_requested), money paid
 *   (paid), a publicity about them started (publicity_started), an objection about them answered (objection_answered);
 * - clerks (users of the task's organisation holding the task's role): a task arrived (task_arrived), its deadline
 *   warning fired (deadline_warning).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { domains, findSubjects } from '../plugins/registry';
import { insertNotifications } from './outboxRepository';
import { sealBody, SEALED_PLACEHOLDER } from './sealedBody';

type Db = Kysely<Database> | Transaction<Database>;

export type NotificationKind =
  | 'task_arrived'
  | 'deadline_warning'
  | 'task_decided'
  | 'supplement_requested'
  | 'paid'
  | 'publicity_started'
  | 'objection_answered'
  | 'one_time_password'
  /** a code proving the person holds the account's mobile (linking 浙里办 to a self-registered account) */
  | 'verification_code';

export type Recipients = { userIds: number[] } | { personIds: string[] } | { orgCode: string; role: string };

export interface NotificationEvent {
  eventKey: string;
  kind: NotificationKind;
  title: string;
  body: string;
  subject: { type: string; id: string; ref: string | null } | null;
  at: string;
  /** the body carries a secret (a one-time password): stored only sealed (sealedBody.ts) */
  secret?: boolean;
}

/** the kernel's own task kinds; each domain names its own (DomainPlugin.taskKinds) */
const KERNEL_TASK_KINDS: Record<string, string> = { objection_investigation: '异议调查' };
const DECISION_ZH: Record<string, string> = { approve: '通过', reject: '不通过', return: '退回' };
function taskName(kind: string): string {
  for (const d of domains()) {
    const label = d.taskKinds?.[kind];
    if (label) return label;
  }
  return KERNEL_TASK_KINDS[kind] ?? kind;
}

/** The accounts a message goes to, each with whether it has a mobile to text: one query. */
async function recipients(db: Db, to: Recipients): Promise<{ id: number; hasPhone: boolean }[]> {
  let q = db.selectFrom('app_user').select(['id', 'phone']);
  if ('userIds' in to) {
    const ids = [...new Set(to.userIds)];
    if (!ids.length) return [];
    q = q.where('id', 'in', ids);
  } else if ('personIds' in to) {
    const ids = to.personIds.filter(Boolean);
    if (!ids.length) return [];
    q = q.where('id_number', 'in', ids);
  } else {
    const { orgCode, role } = to;
    q = q.where('org_code', '=', orgCode).where((eb) => eb(eb.val(role), '=', eb.fn.any('roles')));
  }
  // an empty number is no mobile either (the phone is decrypted to tell)
  return (await q.execute()).map((r) => ({ id: r.id, hasPhone: !!r.phone }));
}

async function recipientIds(db: Db, to: Recipients): Promise<number[]> {
  return (await recipients(db, to)).map((r) => r.id);
}

/** Writes the message for each recipient, once per event key (inside the caller's transaction). */
export async function notify(db: Db, to: Recipients, e: NotificationEvent): Promise<number> {
  const rs = await recipients(db, to);
  if (!rs.length) return 0;
  return insertNotifications(
    db,
    rs.map(({ id, hasPhone }) => ({
      event_key: e.eventKey,
      recipient_user_id: id,
      kind: e.kind,
      title: e.title,
      ...(e.secret ? { body: SEALED_PLACEHOLDER, ...sealBody(e.body, e.eventKey, id) } : { body: e.body }),
      subject_type: e.subject?.type ?? null,
      subject_id: e.subject?.id ?? null,
      subject_ref: e.subject?.ref ?? null,
      created_at: e.at,
      sms_state: hasPhone ? ('pending' as const) : ('none' as const),
    })),
  );
}

/** The parts of a task the projections know (platform/tasks/activities.ts TaskRef). */
export interface TaskEventRef {
  taskId: string;
  kind: string;
  role: string;
  orgCode: string;
  subjectType: string;
  subjectId: string;
  subjectRef: string;
  subjectPersonId: string | null;
}

/** A task opened: the clerks who can take it hear of it. */
export function notifyTaskOpened(db: Db, task: TaskEventRef, e: { eventKey: string; at: string; dueOn: string | null }): Promise<number> {
  return notify(
    db,
    { orgCode: task.orgCode, role: task.role },
    {
      eventKey: e.eventKey,
      kind: 'task_arrived',
      title: `新的待办：${taskName(task.kind)}`,
      body: `${task.subjectRef} 的${taskName(task.kind)}已送达，请及时办理${e.dueOn ? `（${e.dueOn} 前办结）` : ''}。`,
      subject: { type: task.subjectType, id: task.subjectId, ref: task.subjectRef },
      at: e.at,
    },
  );
}

/**
 * A task transition written to the timeline: the ones a person hears of. Decisions on objection investigations
 * are reported by the objection's answer (notifyObjectionAnswered), not twice.
 */
export function notifyTaskEvent(
  db: Db,
  task: TaskEventRef,
  e: { eventKey: string; at: string; event: string; decision?: string; comment?: string | null; data?: Record<string, unknown> },
): Promise<number> {
  const subject = { type: task.subjectType, id: task.subjectId, ref: task.subjectRef };
  const applicant = { personIds: task.subjectPersonId ? [task.subjectPersonId] : [] };
  const base = { eventKey: e.eventKey, subject, at: e.at };
  const comment = e.comment ? `：${e.comment}` : '';
  switch (e.event) {
    case 'decided':
      if (task.kind === 'objection_investigation') return Promise.resolve(0);
      return notify(db, applicant, {
        ...base,
        kind: 'task_decided',
        title: `${taskName(task.kind)}结果：${DECISION_ZH[e.decision ?? ''] ?? e.decision ?? ''}`,
        body: `您的申请 ${task.subjectRef} 的${taskName(task.kind)}已办理，结果为${DECISION_ZH[e.decision ?? ''] ?? e.decision ?? ''}${comment}。`,
      });
    case 'supplement_requested':
      return notify(db, applicant, {
        ...base,
        kind: 'supplement_requested',
        title: '请补正材料',
        body: `您的申请 ${task.subjectRef} 在${taskName(task.kind)}环节需要补正材料${comment}。补正期间办理时限暂停。`,
      });
    case 'deadline_warning':
      return notify(
        db,
        { orgCode: task.orgCode, role: task.role },
        {
          ...base,
          kind: 'deadline_warning',
          title: `办理期限将至：${taskName(task.kind)}`,
          body: `${task.subjectRef} 的${taskName(task.kind)}将于 ${String(e.data?.dueOn ?? '')} 到期，请及时办理。`,
        },
      );
    default:
      return Promise.resolve(0);
  }
}

/** The applicants a notice is about: its subject's applicant and every entry naming an application. */
async function noticePeople(
  db: Db,
  n: { subjectType: string; subjectId: string; entries: Record<string, unknown>[] },
): Promise<{ userIds: number[]; personIds: string[] }> {
  const ids = n.entries.map((e) => e.applicationId).filter((v): v is string => typeof v === 'string');
  ids.push(n.subjectId);
  const userIds: number[] = [];
  const personIds: string[] = [];
  // the subjects of any installed domain (a session or a period has no applicant: it is not found)
  for (const s of (await findSubjects(db as Kysely<Database>, ids)).values()) {
    if (s.applicantUserId) userIds.push(s.applicantUserId);
    else personIds.push(s.applicantIdNumber);
  }
  return { userIds, personIds };
}

/** A publicity started: every applicant it names hears of it, with its end. */
export async function notifyPublicityStarted(
  db: Db,
  n: {
    noticeId: string;
    title: string;
    subjectType: string;
    subjectId: string;
    entries: Record<string, unknown>[];
    endsOn: string;
    eventKey: string;
    at: string;
  },
): Promise<number> {
  const people = await noticePeople(db, n);
  const ids = [...people.userIds, ...(people.personIds.length ? await recipientIds(db, { personIds: people.personIds }) : [])];
  return notify(
    db,
    { userIds: ids },
    {
      eventKey: n.eventKey,
      kind: 'publicity_started',
      title: `公示开始：${n.title}`,
      body: `${n.title}，公示至 ${n.endsOn}。公示期内可在“公示公告”中查看。`,
      subject: { type: 'notice', id: n.noticeId, ref: n.title },
      at: n.at,
    },
  );
}

/** An objection was answered (upheld or dismissed): the applicant it concerns hears of the finding. */
export async function notifyObjectionAnswered(
  db: Db,
  o: { objectionId: string; status: 'upheld' | 'dismissed'; finding: string | null; at: string },
): Promise<number> {
  const row = await db
    .selectFrom('objection')
    .innerJoin('notice', 'notice.id', 'objection.notice_id')
    .select(['objection.application_id', 'notice.title', 'notice.subject_type', 'notice.subject_id'])
    .where('objection.id', '=', o.objectionId)
    .executeTakeFirst();
  if (!row) return 0;
  // the entry the objection named, else the notice's own subject when that has an applicant
  const found = await findSubjects(db as Kysely<Database>, [row.application_id ?? row.subject_id]);
  const app = found.get(row.application_id ?? row.subject_id);
  if (!app) return 0;
  const to: Recipients = app.applicantUserId ? { userIds: [app.applicantUserId] } : { personIds: [app.applicantIdNumber] };
  const verdict = o.status === 'upheld' ? '异议成立' : '异议不成立';
  return notify(db, to, {
    eventKey: `objection/${o.objectionId}/${o.status}`,
    kind: 'objection_answered',
    title: `关于您的异议已答复：${verdict}`,
    body: `${row.title}期间针对您的申请 ${app.reference} 的异议，调查结论：${verdict}${o.finding ? `（${o.finding}）` : ''}。`,
    subject: { type: app.type, id: app.id, ref: app.reference },
    at: o.at,
  });
}
