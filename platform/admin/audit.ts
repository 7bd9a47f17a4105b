/** The administrative audit trail (audit_log, append-only): every write goes through recordAudit (auditRepository.ts). */
export { recordAudit } from './auditRepository';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Actor } from '../tasks/messages';

export interface AuditEntry {
  /** who did it: an actor, or a system component name (e.g. 'login-protection') */
  actor: Pick<Actor, 'userId' | 'username'> | string;
  action: string;
  targetType: string;
  targetId: string;
  clientIp?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** id of the last entry of the previous page (entries come newest first) */
  before?: string;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery) {
  let s = db.selectFrom('audit_log').selectAll();
  if (q.actor) s = s.where(sql`lower(actor_username)`, '=', q.actor.toLowerCase());
  if (q.action) s = s.where('action', '=', q.action);
  if (q.targetType) s = s.where('target_type', '=', q.targetType);
  if (q.targetId) s = s.where('target_id', '=', q.targetId);
  if (q.from) s = s.where('at', '>=', q.from);
  if (q.to) s = s.where('at', '<', q.to);
  if (q.before) s = s.where(sql`id`, '<', sql`${q.before}::bigint`);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}
