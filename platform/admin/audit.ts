/**
 * The administration audit trail (admin_audit): every change an admin makes to accounts and organisations, with
 * who, when, what and the details. Written in the same transaction as the change it records.
 */
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

export interface AdminAuditTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor_username: string;
  action: string;
  target: string;
  details: unknown;
}

export interface AuditEntry {
  actor: string;
  /** e.g. org.create, org.update, org.deactivate, org.import */
  action: string;
  /** what was changed, e.g. org:NX-E-… */
  target: string;
  details?: unknown;
}

export async function recordAudit(db: Kysely<Database> | Transaction<Database>, e: AuditEntry): Promise<void> {
  await db
    .insertInto('admin_audit')
    .values({ actor_username: e.actor, action: e.action, target: e.target, details: e.details === undefined ? null : JSON.stringify(e.details) })
    .execute();
}
