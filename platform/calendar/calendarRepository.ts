/** The one writer of the `calendar_year` and `calendar_day` tables (calendarTable.ts holds the transaction). */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema';

/** Writes a year's version row and replaces its days. */
export async function replaceCalendarYear(
  trx: Transaction<Database>,
  y: { year: number; source: string; version: number; loadedBy: string | null },
  days: { date: string; year: number; kind: 'holiday' | 'workday'; name: string }[],
): Promise<void> {
  await trx
    .insertInto('calendar_year')
    .values({ year: y.year, source: y.source, version: y.version, loaded_by: y.loadedBy })
    .onConflict((oc) => oc.column('year').doUpdateSet({ source: y.source, version: y.version, loaded_by: y.loadedBy, loaded_at: new Date() }))
    .execute();
  await trx.deleteFrom('calendar_day').where('year', '=', y.year).execute();
  if (days.length) await trx.insertInto('calendar_day').values(days).execute();
}
