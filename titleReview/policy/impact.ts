/**
 * The dry run of a new title-review edition: which open applications and sessions, and which of their stages still
 * to open, it would touch. 程序从新: a stage that opens after the edition's date takes its procedural terms (the unit
 * publicity of an application not yet recommended; a session's plan and committee draw before its pre-review starts,
 * its pre-review and results publicity before they open, its meeting's quorum before it is ready); a stage already
 * open keeps its terms. 实体从旧: no open application's pass threshold or ban changes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { PolicyEdition } from '../../platform/policy/edition';
import type { AffectedCase, PolicyImpact } from '../../platform/policy/domain';
import { formatShanghai } from '../../platform/calendar/workdays';

type Params = PolicyEdition['parameters'];
const value = (p: Params, n: string) => p[n]?.value;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What changes of `names` between two editions, in words ("7 working days instead of 5"). */
function changes(before: Params, after: Params, names: Record<string, [string, string]>): string[] {
  return Object.entries(names)
    .filter(([n]) => !same(value(before, n), value(after, n)))
    .map(([n, [prefix, suffix]]) => `${prefix}${value(after, n)}${suffix} instead of ${value(before, n)}`);
}

const PUBLICITY: Record<string, [string, string]> = { publicityWorkingDays: ['', ' working days'] };
const PLAN: Record<string, [string, string]> = {
  hrssLeadWorkingDays: ['HRSS approval ', ' working days before the meeting'],
  minPoolSize: ['pool ≥ ', ''],
  minCommittee: ['committee ≥ ', ''],
  minSubgroup: ['subgroups ≥ ', ''],
};
const MEETING: Record<string, [string, string]> = { minCommittee: ['quorum ', ''] };

/** Application statuses before the unit publicity opens. */
const BEFORE_UNIT_PUBLICITY = ['submitted', 'unit_recommendation'];
/** Session statuses (its phase, or an issue before the meeting) and the stages each has still to open. */
const SESSION_STAGES_TO_OPEN: Record<string, ('plan' | 'pre_review' | 'meeting' | 'results_publicity')[]> = {
  accepting: ['plan', 'pre_review', 'meeting', 'results_publicity'],
  pre_review: ['meeting', 'results_publicity'],
  plan_rejected: ['meeting', 'results_publicity'],
  meeting_date_must_move: ['meeting', 'results_publicity'],
  ready: ['results_publicity'],
  meeting: ['results_publicity'],
  interviews: ['results_publicity'],
  balloting: ['results_publicity'],
};

function moment(iso: string): string {
  const s = formatShanghai(new Date(iso));
  return s.slice(11, 19) === '00:00:00' ? s.slice(0, 10) : `${s.slice(0, 10)} ${s.slice(11, 19)}`;
}

export async function titleImpact(db: Kysely<Database>, args: { previous: PolicyEdition | null; proposed: PolicyEdition }): Promise<PolicyImpact> {
  const { previous, proposed } = args;
  const from = moment(proposed.effectiveFrom);
  const before = previous?.parameters ?? {};
  const after = proposed.parameters;
  const [apps, sessions] = await Promise.all([
    db.selectFrom('zj_application').select(['id', 'application_no', 'status']).where('closed_at', 'is', null).orderBy('application_no').execute(),
    db.selectFrom('zj_session').select(['id', 'year', 'level', 'status']).where('status', '<>', 'completed').orderBy('year').orderBy('level').execute(),
  ]);
  const affected: AffectedCase[] = [];
  let unaffected = 0;
  const publicity = previous ? changes(before, after, PUBLICITY) : [];
  for (const a of apps) {
    if (publicity.length && BEFORE_UNIT_PUBLICITY.includes(a.status)) {
      affected.push({
        subject: { type: 'title_application', id: a.id, ref: a.application_no },
        stage: 'unit_publicity',
        change: `${a.application_no}: unit publicity opens after ${from} → ${publicity.join(', ')}`,
      });
    } else unaffected++;
  }
  const words = { plan: PLAN, pre_review: PUBLICITY, meeting: MEETING, results_publicity: PUBLICITY } as const;
  const label = { plan: 'plan and committee draw', pre_review: 'pre-review publicity', meeting: 'meeting', results_publicity: 'results publicity' };
  for (const s of sessions) {
    const ref = `ZJ-${s.year}-${s.level}`;
    let touched = false;
    for (const stage of SESSION_STAGES_TO_OPEN[s.status] ?? []) {
      const c = previous ? changes(before, after, words[stage]) : [];
      if (!c.length) continue;
      touched = true;
      affected.push({ subject: { type: 'title_session', id: s.id, ref }, stage, change: `${ref}: ${label[stage]} opens after ${from} → ${c.join(', ')}` });
    }
    if (!touched) unaffected++;
  }
  const substantive = previous ? ['passFraction', 'banYears'].filter((n) => !same(value(before, n), value(after, n))) : [];
  const notes = [
    substantive.length === 0
      ? 'passFraction, banYears: unchanged'
      : `passFraction, banYears: none for open applications (实体从旧: ${apps.length} keep the edition they were submitted under); applications submitted from ${from}: ${substantive
          .map((n) => `${n} ${JSON.stringify(value(before, n))} → ${JSON.stringify(value(after, n))}`)
          .join('; ')}`,
  ];
  return { affected, unaffected, notes };
}
