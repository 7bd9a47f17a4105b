import type { Task } from '../../db/schema';
import type { Actor } from './messages';

/** A clerk sees the tasks of their own organisation and role, never one about themselves. */
export function canDecide(actor: Actor, t: Task): boolean {
  return actor.orgCode === t.org_code && actor.roles.includes(t.role) && !(actor.idNumber && actor.idNumber === t.subject_person_id);
}
