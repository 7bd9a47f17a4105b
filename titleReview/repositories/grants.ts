/** Titles granted (title_grant, with the certificate) and bans (title_ban, 第十七条): once per application each. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { TitleLevel } from '../rules';

type Db = Kysely<Database> | Transaction<Database>;

/** Records the grant once (a retry keeps the first certificate code; the caller reads it back). */
export async function insertTitleGrant(
  db: Db,
  g: {
    idNumber: string;
    name: string;
    level: TitleLevel;
    category: string;
    grantedOn: string;
    certificateCode: string;
    sessionId: string;
    applicationId: string;
  },
): Promise<void> {
  await db
    .insertInto('title_grant')
    .values({
      id_number: g.idNumber,
      name: g.name,
      level: g.level,
      category: g.category,
      granted_on: g.grantedOn,
      certificate_code: g.certificateCode,
      session_id: g.sessionId,
      application_id: g.applicationId,
    })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .execute();
}

/** Revokes the title granted on this application, if any and not yet revoked; returns the revoked certificate. */
export async function revokeTitleGrant(db: Db, input: { applicationId: string; reason: string; at: string }) {
  return db
    .updateTable('title_grant')
    .set({ revoked_at: input.at, revoked_reason: input.reason })
    .where('application_id', '=', input.applicationId)
    .where('revoked_at', 'is', null)
    .returning('certificate_code')
    .executeTakeFirst();
}

/** Records the ban once per application (a retry keeps the first; the caller reads it back). */
export async function insertTitleBan(
  db: Db,
  b: { idNumber: string; fromYear: number; toYear: number; reason: string; decidedBy: string; decidedAt: string; applicationId: string },
): Promise<void> {
  await db
    .insertInto('title_ban')
    .values({
      id_number: b.idNumber,
      from_year: b.fromYear,
      to_year: b.toYear,
      reason: b.reason,
      decided_by: b.decidedBy,
      decided_at: b.decidedAt,
      application_id: b.applicationId,
    })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .execute();
}
