/** The one writer of the `task` table (the inbox): activities.ts holds the transaction and calls these. */
import type { Insertable, Transaction } from 'kysely';
import type { Database, TaskState, TaskTable, TaskUpdate } from '../../db/schema';

/** Writes an opened task once, however often its activity runs. */
export async function insertTaskOnce(trx: Transaction<Database>, row: Insertable<TaskTable>): Promise<void> {
  await trx
    .insertInto('task')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Changes a task (only from one of `onlyFrom`'s states when given). */
export async function updateTask(trx: Transaction<Database>, id: string, set: TaskUpdate, onlyFrom: TaskState[] | null): Promise<void> {
  let q = trx.updateTable('task').set(set).where('id', '=', id);
  if (onlyFrom) q = q.where('state', 'in', onlyFrom);
  await q.execute();
}
