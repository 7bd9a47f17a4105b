/**
 * The restore drill's scenario, shared by the dev topology (restoreDrill.test.ts) and the production topology
 * (restoreDrillCluster.test.ts): what is in flight before the backup, what happens between the backup and the
 * backup point B, what the reconciliation must find afterwards, and how every claim must end.
 *
 * A "system" is whatever runs now: before the loss and after the restore it is a different client and database
 * connection, so every step takes the current one.
 */
import { Client as PgClient } from 'pg';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import request from 'supertest';
import type { Express } from 'express';
import type { Database } from '../../db/schema';
import type { RunSummary } from '../../platform/reconciliation/repository';
import { resubmitUpdate, subjectSnapshotQuery } from '../../platform/tasks/messages';
import { loadCalendar } from '../../platform/calendar/calendarTable';
import { addWorkingDays, shanghaiDate } from '../../platform/calendar/workdays';
import { actor, startCertificateClaim, startShortageClaim } from '../helpers/claims';
import { decideClaimTask } from '../helpers/claimTasks';
import { eventually, untilClosed } from '../helpers/temporal';
import { untilInstalmentScheduled } from '../helpers/claimWaits';

export interface DrillSystem {
  db: Kysely<Database>;
  client: Client;
  taskQueue: string;
  /** the HTTP API: an app in this process or the URL of a running API process */
  http: Express | string;
}

type Claim = Awaited<ReturnType<typeof startCertificateClaim>>;
type ClaimRef = { handle: Claim['handle']; taskId(k: string): string };
const AMOUNT = { junior: 1000, intermediate: 2000, senior: 3000 } as const;

export async function login(s: DrillSystem, username: string): Promise<{ Authorization: string }> {
  const res = await request(s.http).post('/api/v1/auth/login').send({ username, password: 'demo' });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return { Authorization: `Bearer ${res.body.token}` };
}

/** a claim's workflow through the current system's client (the restored system has a new one) */
const live = (s: DrillSystem, c: ClaimRef) => ({ handle: s.client.workflow.getHandle(c.handle.workflowId), taskId: c.taskId });
const approve = (s: DrillSystem, c: ClaimRef, key: string, user: string, fields: Record<string, unknown> = {}) =>
  decideClaimTask(s.db, live(s, c), key, user, { decision: 'approve', fields }, { open: true });

/** Claims at every stage, a shortage-talent claim whose second instalment waits, an open title session. */
export async function putWorkInFlight(s: DrillSystem, say: (m: string) => void) {
  const cert = async (applicant: string, level: keyof typeof AMOUNT) => ({
    c: await startCertificateClaim(s.client, s.db, s.taskQueue, { applicant, level }),
    amount: AMOUNT[level],
  });
  const atUnit = await cert('applicant1', 'junior');
  const atBureau = await cert('applicant1', 'intermediate');
  await approve(s, atBureau.c, 'unit_verification', 'unit.jgjx');
  const inSupplement = await cert('applicant1', 'senior');
  await approve(s, inSupplement.c, 'unit_verification', 'unit.jgjx');
  await decideClaimTask(s.db, inSupplement.c, 'bureau_review', 'bureau1', { decision: 'request_supplement', comment: '请补充证书扫描件' }, { open: true });
  const atRereview = await cert('applicant2', 'junior');
  await approve(s, atRereview.c, 'unit_verification', 'unit.jgjx');
  await approve(s, atRereview.c, 'bureau_review', 'bureau1');
  const paidAfterBackup = await cert('applicant2', 'intermediate'); // re-review approved between the two backup points
  await approve(s, paidAfterBackup.c, 'unit_verification', 'unit.jgjx');
  await approve(s, paidAfterBackup.c, 'bureau_review', 'bureau1');
  const decidedAfterBackup = await cert('applicant2', 'senior'); // the bureau decides between the two backup points
  await approve(s, decidedAfterBackup.c, 'unit_verification', 'unit.jgjx');
  const lostDecision = await cert('applicant3', 'junior'); // the unit decides after B: lost in both stores
  const paidBefore = await cert('applicant3', 'intermediate');
  await approve(s, paidBefore.c, 'unit_verification', 'unit.jgjx');
  await approve(s, paidBefore.c, 'bureau_review', 'bureau1');
  await approve(s, paidBefore.c, 'rereview', 'rereview.nxz', { amountYuan: paidBefore.amount });
  await untilClosed(paidBefore.c.handle);
  const waiting = await startShortageClaim(s.client, s.db, s.taskQueue, { applicant: 'applicant3', employer: 'NX-E-LSXC' });
  await approve(s, waiting, 'unit_verification', 'unit.lsxc', { verdict: 'true' });
  await approve(s, waiting, 'bureau_review', 'bureau1');
  await approve(s, waiting, 'rereview', 'rereview.fgjxj', { amountYuan: 3000 });
  await untilInstalmentScheduled(s.db, waiting.id, 2);
  const { cal } = await loadCalendar(s.db, 2025, 2030);
  const meetingDate = addWorkingDays(shanghaiDate(new Date()), 25, cal).date;
  const session = await request(s.http)
    .post('/api/v1/zhejiang/sessions')
    .set(await login(s, 'office1'))
    .send({ year: Number(meetingDate.slice(0, 4)), level: 'senior', meetingDate });
  if (session.status !== 201) throw new Error(`the title session: ${session.status} ${JSON.stringify(session.body)}`);
  say('set up: claims at unit verification, bureau review, supplement, re-review and paid; an instalment waiting; a title session');
  return {
    atUnit,
    atBureau,
    inSupplement,
    atRereview,
    paidAfterBackup,
    decidedAfterBackup,
    lostDecision,
    paidBefore,
    waiting,
    sessionId: session.body.id as string,
  };
}

export type Flight = Awaited<ReturnType<typeof putWorkInFlight>>;

/** Between the backup and B: a payout and a bureau decision. Returns the payouts as they stand at B. */
export async function workAfterBackup(s: DrillSystem, f: Flight) {
  await approve(s, f.paidAfterBackup.c, 'rereview', 'rereview.nxz', { amountYuan: f.paidAfterBackup.amount });
  await untilClosed(f.paidAfterBackup.c.handle);
  await approve(s, f.decidedAfterBackup.c, 'bureau_review', 'bureau1');
  await eventually(
    () => s.db.selectFrom('task').select('id').where('id', '=', f.decidedAfterBackup.c.taskId('rereview')).executeTakeFirst(),
    'rereview opened',
  );
  return s.db.selectFrom('payout').select(['claim_id', 'instalment_no', 'amount_yuan']).execute();
}

/** After B: a decision both stores lose. */
export async function workAfterPointB(s: DrillSystem, f: Flight): Promise<void> {
  await approve(s, f.lostDecision.c, 'unit_verification', 'unit.jgjx');
}

/** Waits until the archiver holds the WAL up to now (archive_timeout would within a minute; the drill does not wait). */
export async function archiveWalNow(adminUrl: string): Promise<void> {
  const pg = new PgClient({ connectionString: adminUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ wal: string }>('select pg_walfile_name(pg_switch_wal()) as wal');
    await eventually(async () => {
      const a = await pg.query<{ w: string | null }>('select last_archived_wal as w from pg_stat_archiver');
      return a.rows[0]!.w != null && a.rows[0]!.w >= rows[0]!.wal;
    }, 'the WAL archived');
  } finally {
    await pg.end();
  }
}

interface Finding {
  kind: string;
  workflowId: string;
  subjectId: string;
  needsPerson: boolean;
  detail: unknown;
}

/**
 * What the reconciliation must have found with the app store at B and Temporal's at the backup's moment: the claim
 * paid after the backup is back at re-review (its payout reported for a person), the bureau's decision after the
 * backup is not in the workflow; nothing else differs. The inbox shows what the workflows wait for.
 */
export async function expectReconciled(s: DrillSystem, f: Flight, run: RunSummary, payoutsAtB: unknown[], say: (m: string) => void): Promise<void> {
  const report = await request(s.http)
    .get(`/api/v1/admin/reconciliations/${run.id}`)
    .set(await login(s, 'admin'));
  expect(report.status).toBe(200);
  const items = report.body.items as Finding[];
  for (const i of items) say(`reconciliation: ${i.needsPerson ? 'FOR A PERSON' : 'repaired'} ${i.kind} ${i.workflowId} ${JSON.stringify(i.detail)}`);

  // the app store is at B: the payout and the bureau's decision made before B are there, the unit's after B is not
  expect(await s.db.selectFrom('payout').select(['claim_id', 'instalment_no', 'amount_yuan']).execute()).toEqual(expect.arrayContaining(payoutsAtB));
  const taskState = async (id: string) => (await s.db.selectFrom('task').select('state').where('id', '=', id).executeTakeFirst())?.state;
  expect(await taskState(f.lostDecision.c.taskId('unit_verification'))).toBe('open');
  // the workflows are at the backup's moment: the payout's claim is back at re-review, reported for a person
  expect((await live(s, f.paidAfterBackup.c).handle.query(subjectSnapshotQuery)).status).toBe('rereview');
  expect(items.filter((i) => i.needsPerson)).toEqual([expect.objectContaining({ kind: 'payout_ahead_of_workflow', subjectId: f.paidAfterBackup.c.id })]);
  const kinds = (wf: string) =>
    items
      .filter((i) => i.workflowId === wf)
      .map((i) => i.kind)
      .sort();
  expect(kinds(f.paidAfterBackup.c.handle.workflowId)).toEqual(['payout_ahead_of_workflow', 'status_differs', 'task_state_differs']);
  expect(kinds(f.decidedAfterBackup.c.handle.workflowId)).toEqual(['status_differs', 'task_not_in_workflow', 'task_state_differs']);
  for (const c of [f.atUnit, f.atBureau, f.inSupplement, f.atRereview, f.lostDecision]) expect(kinds(c.c.handle.workflowId)).toEqual([]);
  // the inbox now shows what the workflows wait for
  expect(await taskState(f.paidAfterBackup.c.taskId('rereview'))).toBe('open');
  expect(await taskState(f.decidedAfterBackup.c.taskId('bureau_review'))).toBe('open');
  expect(await taskState(f.decidedAfterBackup.c.taskId('rereview'))).toBeUndefined(); // the workflow has not opened it
  say(`reconciliation: ${run.workflowsChecked} workflows checked, ${run.findings} findings, ${run.repaired} repaired, ${run.needsPerson} for a person`);
}

/** The clerks redo what was lost; every claim ends paid once; the instalment still waits; the session still accepts. */
export async function finishAndExpectEveryClaimPaidOnce(s: DrillSystem, f: Flight, say: (m: string) => void): Promise<void> {
  await approve(s, f.lostDecision.c, 'unit_verification', 'unit.jgjx');
  await approve(s, f.decidedAfterBackup.c, 'bureau_review', 'bureau1');
  await approve(s, f.paidAfterBackup.c, 'rereview', 'rereview.nxz', { amountYuan: f.paidAfterBackup.amount });
  await approve(s, f.atUnit.c, 'unit_verification', 'unit.jgjx');
  await approve(s, f.atBureau.c, 'bureau_review', 'bureau1');
  await live(s, f.inSupplement.c).handle.executeUpdate(resubmitUpdate, {
    args: [{ taskId: f.inSupplement.c.taskId('bureau_review'), actor: await actor(s.db, 'applicant1'), comment: '已补充' }],
  });
  await approve(s, f.inSupplement.c, 'bureau_review', 'bureau1');
  for (const c of [f.lostDecision, f.atUnit]) await approve(s, c.c, 'bureau_review', 'bureau1');
  for (const c of [f.atRereview, f.decidedAfterBackup, f.lostDecision, f.atUnit, f.atBureau, f.inSupplement])
    await approve(s, c.c, 'rereview', 'rereview.nxz', { amountYuan: c.amount });
  const all = [f.atUnit, f.atBureau, f.inSupplement, f.atRereview, f.paidAfterBackup, f.decidedAfterBackup, f.lostDecision, f.paidBefore];
  for (const c of all) await untilClosed(live(s, c.c).handle);
  for (const c of all) {
    const claim = await s.db.selectFrom('claim').select(['status', 'paid_yuan']).where('id', '=', c.c.id).executeTakeFirstOrThrow();
    expect(claim).toEqual({ status: 'paid', paid_yuan: c.amount });
  }
  const payouts = await s.db.selectFrom('payout').select(['claim_id', 'instalment_no']).execute();
  const perInstalment = new Map<string, number>();
  for (const p of payouts) perInstalment.set(`${p.claim_id}/${p.instalment_no}`, (perInstalment.get(`${p.claim_id}/${p.instalment_no}`) ?? 0) + 1);
  expect(Math.max(...perInstalment.values())).toBe(1);
  expect(payouts.filter((p) => p.claim_id === f.paidAfterBackup.c.id)).toHaveLength(1);
  const second = await s.db.selectFrom('instalment').select('status').where('claim_id', '=', f.waiting.id).where('year_no', '=', 2).executeTakeFirstOrThrow();
  expect(second.status).toBe('scheduled');
  expect((await s.client.workflow.getHandle(f.waiting.handle.workflowId).describe()).status.name).toBe('RUNNING');
  const sessionNow = await request(s.http)
    .get(`/api/v1/zhejiang/sessions/${f.sessionId}`)
    .set(await login(s, 'office1'));
  expect(sessionNow.body.status).toBe('accepting');
  say(`every claim paid once (${payouts.length} payouts for ${perInstalment.size} instalments); the instalment still waits; the title session still accepts`);
}
