/** The one writer of the `audit_log` table (append-only). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { AuditEntry } from './audit';

type Exec = Kysely<Database> | Transaction<Database>;

export async function recordAudit(exec: Exec, e: AuditEntry): Promise<void> {
  const actor = typeof e.actor === 'string' ? { userId: null, username: e.actor } : e.actor;
  await exec
    .insertInto('audit_log')
    .values({
      actor_user_id: actor.userId,
      actor_username: actor.username,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      client_ip: e.clientIp ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}
