/**
 * Service ratings (好差评, 国办发〔2019〕51号 《关于建立政务服务“好差评”制度提高政务服务水平的意见》): once a claim or
 * title application has ended, its applicant rates the service once (1 very dissatisfied … 5 very satisfied).
 * The rating is counted for every organisation that handled the subject: those that decided a task on it (the
 * unit, the bureau, the re-reviewing town or regulator; for titles the competent department, committees, HRSS).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { iso } from '../http/views';
import type { Actor } from '../tasks/messages';
import type { RatingSubjectType } from './schema';
import * as repo from './repository';

/** The subject, if it is the actor's own (else 404: not telling a stranger it exists). */
async function ownSubject(db: Kysely<Database>, actor: Actor, type: RatingSubjectType, id: string) {
  const s = id.length <= 64 ? await repo.findSubject(db, type, id) : undefined;
  const own = s && ((s.applicantUserId != null && s.applicantUserId === actor.userId) || (!!actor.idNumber && actor.idNumber === s.applicantIdNumber));
  if (!s || !own) throw new Problem('NOT_FOUND', 'no such claim or application of yours');
  return s;
}

function ratingView(r: NonNullable<Awaited<ReturnType<typeof repo.findRating>>>) {
  return {
    id: r.id,
    subject: { type: r.subject_type, id: r.subject_id },
    score: r.score,
    comment: r.comment,
    orgCodes: r.org_codes,
    createdAt: iso(r.created_at)!,
  };
}

export async function rate(db: Kysely<Database>, actor: Actor, input: { subject: { type: RatingSubjectType; id: string }; score: number; comment?: string }) {
  const s = await ownSubject(db, actor, input.subject.type, input.subject.id);
  if (!s.closedAt) throw new Problem('NOT_ENDED', 'the claim or application has not ended yet: rate it once it has');
  if (await repo.findRating(db, s.type, s.id)) throw new Problem('ALREADY_RATED');
  const orgCodes = await repo.handlingOrgs(db, s.type, s.id);
  const inserted = await repo.insertRating(db, {
    id: randomUUID(),
    type: s.type,
    subjectId: s.id,
    userId: actor.userId,
    score: input.score,
    comment: input.comment?.trim() || null,
    orgCodes,
  });
  if (!inserted) throw new Problem('ALREADY_RATED');
  return ratingView((await repo.findRating(db, s.type, s.id))!);
}

export async function myRating(db: Kysely<Database>, actor: Actor, type: RatingSubjectType, id: string) {
  const s = await ownSubject(db, actor, type, id);
  const r = await repo.findRating(db, s.type, s.id);
  if (!r) throw new Problem('NOT_FOUND', 'not rated yet');
  return ratingView(r);
}

export async function ratingReport(db: Kysely<Database>, year: number) {
  return (await repo.ratingsByOrgAndMonth(db, year)).map((r) => {
    const count = Number(r.n);
    return {
      orgCode: r.org_code,
      orgName: r.org_name ?? r.org_code,
      month: r.month,
      count,
      averageScore: Math.round((Number(r.total) / count) * 100) / 100,
      scores: { 1: Number(r.s1), 2: Number(r.s2), 3: Number(r.s3), 4: Number(r.s4), 5: Number(r.s5) },
      // 好评 4–5, 中评 3, 差评 1–2
      good: Number(r.s4) + Number(r.s5),
      bad: Number(r.s1) + Number(r.s2),
    };
  });
}
