/** The bureau's published application periods (one row per year; publishing the year again replaces it). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

export async function upsertApplicationPeriod(
  db: Kysely<Database> | Transaction<Database>,
  p: { year: number; startsOn: string; endsOn: string; noticeId: string; publishedBy: string; publishedAt: Date },
): Promise<void> {
  const row = { starts_on: p.startsOn, ends_on: p.endsOn, notice_id: p.noticeId, published_by: p.publishedBy, published_at: p.publishedAt };
  await db
    .insertInto('nanxun_application_period')
    .values({ year: p.year, ...row })
    .onConflict((oc) => oc.column('year').doUpdateSet(row))
    .execute();
}
