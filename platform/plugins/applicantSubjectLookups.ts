/**
 * The lookups a subject provider makes when its subjects are rows of one table that carries an applicant: by id, by
 * reference (`application_no`), by applicant (a count per user) and by the applicant's name (the inbox's search).
 * A domain gives its table, the columns its facts need and how a row becomes facts; the table stays the domain's
 * (the kernel names none).
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/schema';
import type { Db, SubjectFacts, SubjectProvider } from './domainPlugin';

/** the columns every such table has */
interface ApplicantRow {
  id: string;
  application_no: string;
  applicant_user_id: number | null;
  applicant_name: string;
}

type Lookups = Required<Pick<SubjectProvider, 'find' | 'findByReference' | 'countByApplicants' | 'idsByApplicantName'>>;

export function applicantSubjectLookups<Row>(table: keyof Database, columns: readonly string[], facts: (row: Row) => SubjectFacts): Lookups {
  // one table known only by name here: typed by the columns the lookups use
  const on = (db: Db) => db as unknown as Kysely<Record<string, ApplicantRow>>;
  const select = (db: Db) =>
    on(db)
      .selectFrom(table)
      .select(columns as never);
  return {
    async find(db, ids) {
      if (!ids.length) return [];
      return (
        (await select(db)
          .where('id', 'in', [...ids])
          .execute()) as Row[]
      ).map(facts);
    },
    async findByReference(db, reference) {
      const row = (await select(db).where('application_no', '=', reference).executeTakeFirst()) as Row | undefined;
      return row && facts(row);
    },
    async countByApplicants(db, userIds) {
      if (!userIds.length) return new Map();
      const rows = await on(db)
        .selectFrom(table)
        .select(['applicant_user_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('applicant_user_id', 'in', [...userIds])
        .groupBy('applicant_user_id')
        .execute();
      return new Map(rows.map((r) => [r.applicant_user_id!, Number(r.n)]));
    },
    idsByApplicantName: (db, like) =>
      on(db).selectFrom(table).select('id').where('applicant_name', 'like', like) as unknown as SelectQueryBuilder<Database, never, { id: string }>,
  };
}
