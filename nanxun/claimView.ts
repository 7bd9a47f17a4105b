/**
 * The view of one Nanxun claim (GET /api/v1/nanxun/claims/:id, schema ClaimView).
 *
 * It is read from the projection `claim_view` (nanxun/migrations/0006_claim_view.ts), which Postgres triggers rebuild in
 * the transaction of every change to the claim, its tasks, timeline, instalments and payouts: the read is one row.
 * What depends on the viewer (the ID number, masked unless the viewer is the person or a verifying clerk) or on the
 * current time (workingDaysLeft / warning / overdue of open tasks, from the display calendar) is added per request
 * by presentClaimView().
 *
 * liveClaimView() assembles the same stored view from the source tables (the route before the projection): the
 * fallback for a claim without a projection row, and the reference the projection is tested against.
 */
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { z } from 'zod';
import type { Claim, Database, Instalment, Payout, Task, TimelineRow } from '../db/schema';
import type { Actor } from '../platform/tasks/messages';
import type { ClaimView } from './schemas';
import { iso, taskClock, taskView, timelineView } from '../platform/http/views';
import { BUREAU_ORG_CODE } from './rules';
import { maskIdNumber } from '../platform/identity/idNumber';
import { maskPhone } from '../platform/identity/phone';
import { shanghaiDate, type CalendarData } from '../platform/calendar/workdays';
import { displayCalendar } from '../platform/calendar/calendarTable';

/** The claim columns that decide who may see it and who sees the full ID number. */
export type ClaimAccess = Pick<Claim, 'id' | 'applicant_id_number' | 'applicant_user_id' | 'employer_org_code' | 'rereview_org_code'>;

/** The inputs of an open task's time-dependent fields, instants as ISO strings. */
export interface StoredTaskClock {
  dueOn: string | null;
  dueAt: string | null;
  warnAt: string | null;
  warnedAt: string | null;
  overdueAt: string | null;
}

/**
 * The claim as the API shows it, except: applicant.idNumber is the full number, and each task has
 * workingDaysLeft null, warning false, overdue false; `clocks` has what is needed to compute those for open tasks.
 */
export type StoredClaimView = z.infer<typeof ClaimView> & { clocks: Record<string, StoredTaskClock> };

/** The full ID number only for the person and the clerks who verify it (employer, bureau). */
export function idNumberFor(actor: Actor, claim: Pick<Claim, 'applicant_id_number' | 'employer_org_code'>): string {
  const own = actor.idNumber === claim.applicant_id_number;
  const verifier = actor.orgCode === claim.employer_org_code || actor.orgCode === BUREAU_ORG_CODE;
  return own || verifier ? claim.applicant_id_number : maskIdNumber(claim.applicant_id_number);
}

/**
 * The phone number in full only for the person and the clerks who must contact them (employer, bureau); the
 * re-reviewing body, oversight roles and everyone else see it masked.
 */
export function phoneFor(actor: Actor, claim: Pick<Claim, 'applicant_id_number' | 'employer_org_code'>, phone: string): string {
  const own = actor.idNumber === claim.applicant_id_number;
  const contacts = actor.orgCode === claim.employer_org_code || actor.orgCode === BUREAU_ORG_CODE;
  return own || contacts ? phone : (maskPhone(phone) ?? '');
}

/** The claim (by id or application number) from its projection: one row of one table. */
export async function projectedClaimView(db: Kysely<Database>, idOrNo: string): Promise<{ access: ClaimAccess; view: StoredClaimView } | undefined> {
  const row = await db
    .selectFrom('claim_view')
    .select(['claim_id', 'applicant_id_number', 'applicant_user_id', 'employer_org_code', 'rereview_org_code', 'view'])
    .where((eb) => eb.or([eb('claim_id', '=', idOrNo), eb('application_no', '=', idOrNo)]))
    .executeTakeFirst();
  // no projection row (it is created with the claim, so this should not happen): assemble it, or there is no claim
  if (!row) return liveClaimView(db, idOrNo);
  const { claim_id, view, ...rest } = row;
  return { access: { id: claim_id, ...rest }, view: view as StoredClaimView };
}

/** Instalments as shown: each with its payment (recovered after a clawback). */
function instalmentsView(claim: Claim, instalments: Instalment[], payouts: Payout[]) {
  // claims submitted before instalments were recorded have one implicit instalment
  const rows: Pick<Instalment, 'year_no' | 'amount_yuan' | 'status' | 'due_on'>[] = instalments.length
    ? instalments
    : [{ year_no: 1, amount_yuan: claim.amount_yuan, status: payouts.length ? 'paid' : claim.status === 'rejected' ? 'cancelled' : 'in_review', due_on: null }];
  return rows.map((i) => {
    const paid = payouts.find((p) => p.instalment_no === i.year_no);
    return {
      year: i.year_no,
      amountYuan: i.amount_yuan,
      status: paid?.recovered_at ? 'recovered' : i.status,
      dueOn: i.due_on,
      paidAt: iso(paid?.paid_at),
      recoveredAt: iso(paid?.recovered_at),
    };
  });
}

/** The same stored view, assembled from the source tables in one round trip (json_agg subqueries). */
export async function liveClaimView(db: Kysely<Database>, idOrNo: string): Promise<{ access: ClaimAccess; view: StoredClaimView } | undefined> {
  const row = await db
    .selectFrom('claim')
    .selectAll('claim')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('timeline')
          .selectAll('timeline')
          .whereRef('timeline.subject_id', '=', 'claim.id')
          .where('timeline.subject_type', '=', 'nanxun_claim')
          .orderBy('timeline.at')
          .orderBy('timeline.id'),
      ).as('timeline'),
      jsonArrayFrom(
        eb
          .selectFrom('task')
          .selectAll('task')
          .whereRef('task.subject_id', '=', 'claim.id')
          .where('task.subject_type', '=', 'nanxun_claim')
          .orderBy('task.opened_at')
          .orderBy('task.id'),
      ).as('tasks'),
      jsonArrayFrom(eb.selectFrom('payout').selectAll('payout').whereRef('payout.claim_id', '=', 'claim.id').orderBy('payout.instalment_no')).as('payouts'),
      jsonArrayFrom(eb.selectFrom('instalment').selectAll('instalment').whereRef('instalment.claim_id', '=', 'claim.id').orderBy('instalment.year_no')).as(
        'instalments',
      ),
      jsonArrayFrom(
        eb
          .selectFrom('org')
          .select(['org.code', 'org.name'])
          .where((o) =>
            o.or([
              o('org.code', '=', o.ref('claim.employer_org_code')),
              o('org.code', '=', o.ref('claim.rereview_org_code')),
              o('org.code', 'in', o.selectFrom('timeline').select('timeline.org_code').whereRef('timeline.subject_id', '=', 'claim.id')),
            ]),
          ),
      ).as('orgs'),
    ])
    .where((eb) => eb.or([eb('claim.id', '=', idOrNo), eb('claim.application_no', '=', idOrNo)]))
    .executeTakeFirst();
  if (!row) return undefined;
  // JSON carries instants as ISO strings: the views read them through iso() / new Date(), which take either
  const { orgs, ...rest } = row;
  const claim = rest as unknown as Claim;
  const timeline = row.timeline as unknown as TimelineRow[];
  const tasks = row.tasks as unknown as Task[];
  const payouts = row.payouts as unknown as Payout[];
  const instalments = row.instalments as unknown as Instalment[];
  const names = new Map(orgs.map((o) => [o.code, o.name]));
  const clocks: Record<string, StoredTaskClock> = {};
  for (const t of tasks) {
    if (t.state === 'open')
      clocks[t.id] = {
        dueOn: t.due_on,
        dueAt: t.due_at as unknown as string | null,
        warnAt: t.warn_at as unknown as string | null,
        warnedAt: t.warned_at as unknown as string | null,
        overdueAt: t.overdue_at as unknown as string | null,
      };
  }
  const view: StoredClaimView = {
    id: claim.id,
    applicationNo: claim.application_no,
    kind: claim.kind,
    status: claim.status,
    stage: claim.stage,
    amountYuan: claim.amount_yuan,
    paidYuan: claim.paid_yuan,
    applicant: { name: claim.applicant_name, idNumber: claim.applicant_id_number, phone: claim.applicant_phone },
    employer: { code: claim.employer_org_code, name: names.get(claim.employer_org_code) ?? claim.employer_org_code },
    rereviewOrg: { code: claim.rereview_org_code, name: names.get(claim.rereview_org_code) ?? claim.rereview_org_code },
    form: { ...claim.form, level: claim.level, position: claim.position, employerNature: claim.employer_nature },
    submittedAt: iso(claim.submitted_at)!,
    closedAt: iso(claim.closed_at),
    closeReason: claim.close_reason,
    timeline: timeline.map((t) => timelineView(t, names)),
    instalments: instalmentsView(claim, instalments, payouts),
    nextInstalmentDueOn: instalments.find((i) => i.status === 'scheduled')?.due_on ?? null,
    // the projection (0006) keeps no policy basis: the claim read adds it (nanxun/policy/claimBasis.ts)
    tasks: tasks.map((t) => {
      const { policy: _basis, ...v } = taskView(t, null);
      return { ...v, workingDaysLeft: null, warning: false, overdue: false };
    }),
    clocks,
  };
  return {
    access: {
      id: claim.id,
      applicant_id_number: claim.applicant_id_number,
      applicant_user_id: claim.applicant_user_id,
      employer_org_code: claim.employer_org_code,
      rereview_org_code: claim.rereview_org_code,
    },
    view,
  };
}

/** The display calendar, loaded (from the in-process cache) only when the claim has open tasks to count for. */
export async function calendarFor(db: Kysely<Database>, view: StoredClaimView, now = new Date()): Promise<CalendarData | null> {
  for (const _ in view.clocks) {
    const year = Number(shanghaiDate(now).slice(0, 4));
    return displayCalendar(db, year - 1, year + 1);
  }
  return null;
}

/** The stored view as this viewer sees it now. */
export function presentClaimView(
  stored: StoredClaimView,
  access: ClaimAccess,
  actor: Actor,
  cal: CalendarData | null,
  now = new Date(),
): z.infer<typeof ClaimView> {
  const { clocks, ...view } = stored;
  return {
    ...view,
    applicant: { ...view.applicant, idNumber: idNumberFor(actor, access), phone: phoneFor(actor, access, view.applicant.phone) },
    tasks: view.tasks.map((t) => {
      const c = t.state === 'open' ? clocks[t.id] : undefined;
      return c
        ? {
            ...t,
            ...taskClock({ state: 'open', due_on: c.dueOn, due_at: c.dueAt, warn_at: c.warnAt, warned_at: c.warnedAt, overdue_at: c.overdueAt }, cal, now),
          }
        : t;
    }),
  };
}
