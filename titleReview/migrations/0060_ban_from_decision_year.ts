import { type Kysely, sql } from 'kysely';

/**
 * A title ban is recorded as the years it refuses: the decision year (当年申报无效) plus the three years after it
 * (titleReview/rules.ts banYears). Rows recorded before named only the three years (from the next year) while the
 * refusal also covered the decision year; they start a year earlier now, so record, notice and refusal agree.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`update title_ban set from_year = from_year - 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update title_ban set from_year = from_year + 1`.execute(db);
}
