/**
 * The bureau's published application periods: every publication or correction is a new version
 * (nanxun_application_period_version, append-only); the year's row of nanxun_application_period is the projection
 * of its newest version, written by the database (migration 0047), never by an UPDATE from here.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Serialises the publications of one year (inside the caller's transaction): each gets the next version number. */
export async function lockPeriodYear(trx: Transaction<Database>, year: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('nanxun_application_period'), ${year})`.execute(trx);
}

export async function insertApplicationPeriodVersion(
  db: Db,
  p: { year: number; version: number; startsOn: string; endsOn: string; publishedBy: string; publishedAt: Date },
): Promise<void> {
  await db
    .insertInto('nanxun_application_period_version')
    .values({ year: p.year, version: p.version, starts_on: p.startsOn, ends_on: p.endsOn, published_by: p.publishedBy, published_at: p.publishedAt })
    .execute();
}
