/**
 * Data minimisation: a body that acts at a later stage of a case (the re-reviewing town or regulator of a claim; the
 * competent department or the lower committee of a title application) sees the case from its own stage on, that is
 * once the workflow has opened a task for it; never from submission. The task table is the record of that: a task
 * row exists for every stage reached, whatever became of it.
 */
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema';

/** a subject type of an installed domain (platform/plugins) */
export type SubjectType = string;

/** Whether the organisation has had a task on the subject (any state). */
export async function orgHasReached(db: Kysely<Database>, orgCode: string, subjectType: SubjectType, subjectId: string): Promise<boolean> {
  const row = await db
    .selectFrom('task')
    .select('id')
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('org_code', '=', orgCode)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The same, as a condition on a list query over the subject's table. */
export function reachedByOrg(orgCode: string, subjectType: SubjectType, idColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from task where task.subject_type = ${subjectType} and task.org_code = ${orgCode} and task.subject_id = ${sql.ref(idColumn)})`;
}
