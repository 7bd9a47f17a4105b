/**
 * The one rule of who decides a task, used by the API (the inbox, the task page, the decision route) and by the
 * workflow's validator (humanTaskRules.ts). Pure: no I/O, safe in workflow code.
 */
import type { Task } from '../../db/schema';

/** what the rule needs of the person */
export interface Decider {
  orgCode: string | null;
  roles: readonly string[];
  idNumber?: string | null;
  /** the person's references, as a workflow's Updates carry them instead of the ID number (identity/personRef.ts) */
  personRefs?: readonly string[];
}

/** what the rule needs of the task */
export interface DecidedTask {
  orgCode: string;
  role: string;
  subjectPersonId: string | null;
}

/** Why this person may not decide the task (null: they may): their organisation and role, never about themselves. */
export function whyNotYours(actor: Decider, t: DecidedTask): string | null {
  if (actor.orgCode !== t.orgCode || !actor.roles.includes(t.role)) return `this task belongs to ${t.orgCode} (${t.role})`;
  const own = !!t.subjectPersonId && ((!!actor.idNumber && actor.idNumber === t.subjectPersonId) || !!actor.personRefs?.includes(t.subjectPersonId));
  if (own) return 'a clerk never decides a task about their own application';
  return null;
}

/** A clerk sees and decides the tasks of their own organisation and role, never one about themselves. */
export function canDecide(actor: Decider, t: Task): boolean {
  return whyNotYours(actor, { orgCode: t.org_code, role: t.role, subjectPersonId: t.subject_person_id }) === null;
}
