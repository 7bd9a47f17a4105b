/** All SQL of service ratings (table `rating`, 0026_ratings). */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { RatingSubjectType } from './schema';
import { findSubject as findAnySubject } from '../plugins/registry';

export interface RatedSubject {
  type: RatingSubjectType;
  id: string;
  applicantUserId: number | null;
  applicantIdNumber: string;
  closedAt: Date | null;
}

export async function findSubject(db: Kysely<Database>, type: RatingSubjectType, id: string): Promise<RatedSubject | undefined> {
  const s = await findAnySubject(db, type, id);
  return s ? { type, id: s.id, applicantUserId: s.applicantUserId, applicantIdNumber: s.applicantIdNumber, closedAt: s.closedAt } : undefined;
}

/** The organisations that handled the subject: those whose task on it was decided (else any with a task on it). */
export async function handlingOrgs(db: Kysely<Database>, type: RatingSubjectType, id: string): Promise<string[]> {
  const rows = await db.selectFrom('task').select(['org_code', 'state']).where('subject_type', '=', type).where('subject_id', '=', id).execute();
  const decided = rows.filter((r) => r.state === 'done').map((r) => r.org_code);
  return [...new Set(decided.length ? decided : rows.map((r) => r.org_code))].sort();
}

export async function findRating(db: Kysely<Database>, type: RatingSubjectType, id: string) {
  return db.selectFrom('rating').selectAll().where('subject_type', '=', type).where('subject_id', '=', id).executeTakeFirst();
}

/** Inserts the rating; false if the subject is rated already (one rating per subject). */
export async function insertRating(
  db: Kysely<Database>,
  r: { id: string; type: RatingSubjectType; subjectId: string; userId: number; score: number; comment: string | null; orgCodes: string[] },
): Promise<boolean> {
  const rows = await db
    .insertInto('rating')
    .values({ id: r.id, subject_type: r.type, subject_id: r.subjectId, user_id: r.userId, score: r.score, comment: r.comment, org_codes: r.orgCodes })
    .onConflict((oc) => oc.columns(['subject_type', 'subject_id']).doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Ratings per handling organisation and month (Asia/Shanghai) of one year. */
export async function ratingsByOrgAndMonth(db: Kysely<Database>, year: number) {
  const month = sql<string>`to_char(r.created_at at time zone interval '+08:00', 'YYYY-MM')`;
  const { rows } = await sql<{
    org_code: string;
    org_name: string | null;
    month: string;
    n: string;
    total: string;
    s1: string;
    s2: string;
    s3: string;
    s4: string;
    s5: string;
  }>`
    select o.code as org_code, coalesce(org.name, o.code) as org_name, ${month} as month,
           count(*) as n, sum(r.score) as total,
           count(*) filter (where r.score = 1) as s1, count(*) filter (where r.score = 2) as s2, count(*) filter (where r.score = 3) as s3,
           count(*) filter (where r.score = 4) as s4, count(*) filter (where r.score = 5) as s5
      from rating r cross join lateral unnest(r.org_codes) as o(code)
      left join org on org.code = o.code
     where ${month} like ${`${year}-%`}
     group by o.code, org.name, ${month}
     order by o.code, month`.execute(db);
  return rows;
}
