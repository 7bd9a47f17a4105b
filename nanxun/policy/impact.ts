/**
 * The dry run of a new 引育八条 edition: which open claims and open or future stages it would touch.
 * 程序从新: a bureau review that opens after the edition's date takes its period and warning days; one already
 * open (or paused for materials) keeps its deadline. 实体从旧: no open claim's amount or plan changes.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { PolicyEdition } from '../../platform/policy/edition';
import type { AffectedCase, PolicyImpact } from '../../platform/policy/domain';
import { storedTaskId } from '../../platform/tasks/taskIds';
import { formatShanghai } from '../../platform/calendar/workdays';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Names of the parameters whose value differs between two editions. */
export function changedParameters(before: PolicyEdition['parameters'], after: PolicyEdition['parameters']): string[] {
  return Object.keys(after).filter((n) => !same(before[n]?.value, after[n]?.value));
}

/** "2027-07-01", or "2027-07-01 09:30:00" for an edition that starts during a day (Asia/Shanghai). */
export function shanghaiMoment(iso: string): string {
  const s = formatShanghai(new Date(iso)); // 2027-07-01T00:00:00.000+08:00
  const day = s.slice(0, 10);
  const time = s.slice(11, 19);
  return time === '00:00:00' ? day : `${day} ${time}`;
}

/** How a stage's procedural terms change, in words ("7 working days instead of 10"). */
function bureauChange(before: PolicyEdition['parameters'], after: PolicyEdition['parameters']): string[] {
  const out: string[] = [];
  const v = (p: PolicyEdition['parameters'], n: string) => p[n]?.value;
  if (!same(v(before, 'bureauReviewWorkingDays'), v(after, 'bureauReviewWorkingDays'))) {
    out.push(`${v(after, 'bureauReviewWorkingDays')} working days instead of ${v(before, 'bureauReviewWorkingDays')}`);
  }
  if (!same(v(before, 'warnWorkingDaysLeft'), v(after, 'warnWorkingDaysLeft'))) {
    out.push(`warning at ${v(after, 'warnWorkingDaysLeft')} working days left instead of ${v(before, 'warnWorkingDaysLeft')}`);
  }
  return out;
}

/** The bureau reviews a claim has still to open: one per instalment year not yet paid whose review has not opened. */
function futureBureauStages(
  c: { kind: string; workflow_id: string },
  openedTaskIds: Set<string>,
  instalments: { year_no: number; status: string }[],
): { key: string; label: string }[] {
  const years = c.kind === 'shortage_talent' ? instalments.filter((i) => i.status !== 'paid' && i.status !== 'cancelled').map((i) => i.year_no) : [1];
  return years
    .map((y) => ({ key: y === 1 ? 'bureau_review' : `y${y}/bureau_review`, label: y === 1 ? 'bureau review' : `year ${y} bureau review` }))
    .filter((s) => !openedTaskIds.has(storedTaskId(`${c.workflow_id}/${s.key}`)));
}

export async function nanxunImpact(
  db: Kysely<Database>,
  args: { previous: PolicyEdition | null; proposed: PolicyEdition; all: PolicyEdition[] },
): Promise<PolicyImpact> {
  const { previous, proposed, all } = args;
  const from = shanghaiMoment(proposed.effectiveFrom);
  const claims = await db
    .selectFrom('claim')
    .select(['id', 'application_no', 'kind', 'workflow_id', 'policy_edition_id'])
    .where('closed_at', 'is', null)
    .orderBy('application_no')
    .execute();
  const workflowIds = claims.map((c) => c.workflow_id);
  const tasks = workflowIds.length
    ? await db.selectFrom('task').select(['id', 'workflow_id']).where('workflow_id', 'in', workflowIds).where('kind', '=', 'bureau_review').execute()
    : [];
  const opened = new Set(tasks.map((t) => t.id));
  const instalments = claims.length
    ? await db
        .selectFrom('instalment')
        .select(['claim_id', 'year_no', 'status'])
        .where(
          'claim_id',
          'in',
          claims.map((c) => c.id),
        )
        .execute()
    : [];
  const affected: AffectedCase[] = [];
  let unaffected = 0;
  for (const c of claims) {
    const baseline = previous ?? all.find((e) => e.id === c.policy_edition_id) ?? null;
    const changes = baseline ? bureauChange(baseline.parameters, proposed.parameters) : [];
    const stages = changes.length
      ? futureBureauStages(
          c,
          opened,
          instalments.filter((i) => i.claim_id === c.id),
        )
      : [];
    if (stages.length === 0) {
      unaffected++;
      continue;
    }
    for (const s of stages) {
      affected.push({
        subject: { type: 'nanxun_claim', id: c.id, ref: c.application_no },
        stage: s.key,
        change: `${c.application_no}: ${s.label} opens after ${from} → ${changes.join(', ')}`,
      });
    }
  }
  const substantive = previous ? changedParameters(previous.parameters, proposed.parameters).filter((n) => proposed.parameters[n]?.kind === 'substantive') : [];
  const notes = [
    substantive.length === 0
      ? 'amounts: none'
      : `amounts: none, 实体从旧 (${claims.length} open claims keep the edition they were submitted under); claims submitted from ${from}: ${substantive
          .map((n) => `${n} ${JSON.stringify(previous!.parameters[n]?.value)} → ${JSON.stringify(proposed.parameters[n]?.value)}`)
          .join('; ')}`,
  ];
  return { affected, unaffected, notes };
}
