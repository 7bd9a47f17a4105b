/** Named counters (the `sequence` table): application numbers and the like. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** The next value of the counter `name` (1 for a new one), in its own short statement; gaps are possible. */
export async function nextSequenceValue(db: Kysely<Database>, name: string): Promise<number> {
  const seq = await db
    .insertInto('sequence')
    .values({ name, value: 1 })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`sequence.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return seq.value;
}
