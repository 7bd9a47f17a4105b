/**
 * The 依据 an application's views show (the application view, the task page): the pass threshold and the ban of the
 * edition it was submitted under (实体从旧), and for each publicity that concerns it the period and the edition it
 * came from (程序从新, recorded on the notice when it opened; notices from before editions carry none).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { listEditions } from '../../platform/policy/repository';
import { iso } from '../../platform/http/views';
import { submissionEdition, titleBasis, type TitleBasis } from './terms';
import { TITLE_POLICY } from './parameters';

export interface ApplicationPolicy {
  edition: { id: string; title: string; effectiveFrom: string };
  passFraction: TitleBasis & { value: string };
  banYears: TitleBasis & { value: number };
  publicity: { noticeId: string; kind: string; startsAt: string | null; endsOn: string; workingDays: number; policy: TitleBasis | null }[];
}

export async function applicationPolicy(db: Kysely<Database>, a: { id: string; session_id: string; submitted_at: Date | string }): Promise<ApplicationPolicy> {
  const [all, notices] = await Promise.all([
    listEditions(db, TITLE_POLICY),
    db
      .selectFrom('notice')
      .select(['id', 'kind', 'starts_at', 'ends_on', 'working_days', 'policy'])
      .where((eb) =>
        eb.or([
          eb('subject_id', '=', a.id),
          // the session's notices that list it (评前公示, 结果公示)
          eb.and([eb('subject_id', '=', a.session_id), sql<boolean>`entries @> ${JSON.stringify([{ applicationId: a.id }])}::jsonb`]),
        ]),
      )
      .orderBy('starts_at')
      .execute(),
  ]);
  const e = submissionEdition(all, new Date(a.submitted_at));
  return {
    edition: { id: e.id, title: e.title, effectiveFrom: e.effectiveFrom },
    passFraction: { ...titleBasis(e, 'passFraction'), value: String(e.parameters.passFraction?.value) },
    banYears: { ...titleBasis(e, 'banYears'), value: Number(e.parameters.banYears?.value) },
    publicity: notices.map((n) => ({
      noticeId: n.id,
      kind: n.kind,
      startsAt: iso(n.starts_at),
      endsOn: n.ends_on,
      workingDays: n.working_days,
      policy: (n.policy as TitleBasis | null) ?? null,
    })),
  };
}
