/**
 * The claim read projection (nanxun/migrations/0006_claim_view.ts): after every stage of a claim's life — submitted,
 * paused for supplementary materials, resumed, decided three times, paid, the next instalment scheduled, clawed
 * back, an organisation renamed — the view kept by the triggers equals the view assembled live from the source
 * tables (nanxun/claimView.ts liveClaimView), and the API answers with it. The migration fills existing claims.
 */
import request from 'supertest';
import type { Express } from 'express';
import { sql } from 'kysely';
import { useTimeSkippingTestbed, eventually } from '../../test/helpers/temporal';
import { untilWaitingForLock, type TestDb } from '../../test/helpers/db';
import { testApp, login, auth } from '../../test/helpers/app';
import { actor } from '../../test/helpers/claims';
import { shanghaiDate, addMonths } from '../../platform/calendar/workdays';
import { claimPolicyBasis, withPolicyBasis } from '../policy/claimBasis';
import { liveClaimView, presentClaimView, calendarFor, type StoredClaimView } from '../claimView';
import * as m0006 from '../migrations/0006_claim_view';
import * as m0085 from '../migrations/0085_claim_view_trigger_filters';
import * as m0086 from '../migrations/0086_claim_view_read_columns';
import { readClaim } from '../claimRead';
import { withClaimMaterials } from '../../test/helpers/materials';
import { listMaterials } from '../../platform/materials/useCases';
import { installTimelineDetails } from '../../platform/materials/migrations/0025_materials';
import { encryptClaimView } from '../../platform/migrations/0021_personal_data_encryption';

let tdb: TestDb;
let app: Express;
const t: Record<string, string> = {};

useTimeSkippingTestbed('claimview', (bed) => {
  tdb = bed.tdb;
  app = testApp(bed.tdb.db, bed.env.client, bed.taskQueue);
});
beforeAll(async () => {
  for (const u of ['applicant1', 'unit.lhwl', 'bureau1', 'rereview.jtj']) t[u] = await login(app, u);
});

const today = () => shanghaiDate(new Date());
const post = (path: string, token: string, body: unknown) =>
  request(app)
    .post(path)
    .set(auth(token))
    .send(body as object);
const get = (path: string, token: string) => request(app).get(path).set(auth(token));

/** The projection and the live assembly, read in one snapshot (activities may be committing meanwhile). */
async function bothViews(claimId: string): Promise<{ projected: StoredClaimView; live: StoredClaimView }> {
  return tdb.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const row = await trx
        .selectFrom('claim_view')
        .select(['claim_id', 'application_no', 'applicant_id_number', 'applicant_user_id', 'employer_org_code', 'rereview_org_code', 'view'])
        .where('claim_id', '=', claimId)
        .executeTakeFirst();
      const live = await liveClaimView(trx, claimId);
      expect(row).toBeDefined();
      expect(live).toBeDefined();
      // the columns that find the claim and decide who sees it are the claim's
      const { claim_id, application_no, view: _view, ...access } = row!;
      expect({ id: claim_id, ...access }).toEqual(live!.access);
      expect(application_no).toBe(live!.view.applicationNo);
      // the materials and the policy basis the route reads beside the view (0086) are the live ones too
      const read = await readClaim(trx, claimId);
      expect(read!.materials).toEqual(await listMaterials(trx, 'nanxun_claim', claimId));
      expect(read!.basis).toEqual(await claimPolicyBasis(trx, claimId));
      return { projected: row!.view as StoredClaimView, live: live!.view };
    });
}

async function expectCurrent(claimId: string, viewer: 'applicant1' | 'none' = 'applicant1'): Promise<StoredClaimView> {
  const { projected, live } = await bothViews(claimId);
  expect(projected).toEqual(live);
  if (viewer === 'none') return projected;
  // the API answers with the projection as the viewer sees it (retried: an activity may commit in between)
  // the viewer as the API knows them (with their ID number; a workflow's actor carries only a reference)
  const applicantRow = await tdb.db.selectFrom('app_user').select('id_number').where('username', '=', 'applicant1').executeTakeFirstOrThrow();
  const applicant = { ...(await actor(tdb.db, 'applicant1')), idNumber: applicantRow.id_number };
  await eventually(
    async () => {
      const res = await get(`/api/v1/nanxun/claims/${claimId}`, t.applicant1!);
      expect(res.status).toBe(200);
      const live = (await liveClaimView(tdb.db, claimId))!;
      // plus the claim's materials, listed by the API layer (platform/materials), not the projection
      // and the policy basis of its amount and deadlines (nanxun/policy/claimBasis.ts), likewise
      expect(res.body).toEqual({
        ...withPolicyBasis(
          presentClaimView(live.view, live.access, applicant, await calendarFor(tdb.db, live.view), new Date()),
          await claimPolicyBasis(tdb.db, live.view.id),
        ),
        materials: await listMaterials(tdb.db, 'nanxun_claim', live.view.id),
      });
      return true;
    },
    'the API answering with the projection',
    5000,
  );
  return projected;
}

async function openTask(claimId: string, kind: string, user: string) {
  return eventually(
    async () => (await get(`/api/v1/tasks?kind=${kind}`, t[user]!)).body.find((x: { subject: { id: string } }) => x.subject.id === claimId),
    `${kind} task`,
  );
}
async function decide(claimId: string, kind: string, user: string, body: Record<string, unknown>) {
  const task = await openTask(claimId, kind, user);
  const r = await post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`, t[user]!, body);
  expect(r.status).toBe(200);
  return r;
}

test('the projection equals the live view after every stage of a shortage-talent claim, a clawback and a renaming', async () => {
  const created = await post(
    '/api/v1/nanxun/claims',
    t.applicant1!,
    await withClaimMaterials(app, t.applicant1!, {
      kind: 'shortage_talent',
      employerOrgCode: 'NX-E-LHWL',
      position: '安全主管',
      certificate: { number: 'ZV-1', level: 'intermediate', issuedOn: addMonths(today(), -20), receivedOn: addMonths(today(), -19) },
      employment: { since: addMonths(today(), -14), contractYears: 3, socialSecurityMonths: 13, firstIntroduction: true },
    }),
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;

  // submitted: the unit verification is open, its time-dependent fields come from clocks
  await openTask(id, 'unit_verification', 'unit.lhwl');
  let v = await expectCurrent(id);
  expect(v).toMatchObject({ status: 'unit_verification', applicant: { idNumber: expect.stringMatching(/^\d{17}[\dX]$/) } });
  expect(v.tasks).toEqual([expect.objectContaining({ kind: 'unit_verification', state: 'open', workingDaysLeft: null, warning: false, overdue: false })]);
  expect(Object.keys(v.clocks)).toEqual([v.tasks[0]!.id]);
  expect(v.instalments.map((i) => i.status)).toEqual(['in_review', 'pending', 'pending']);

  // paused for supplementary materials, then resumed by the applicant
  await decide(id, 'unit_verification', 'unit.lhwl', { decision: 'request_supplement', comment: '请补充劳动合同' });
  v = await expectCurrent(id);
  expect(v.tasks[0]).toMatchObject({ state: 'paused', comment: '请补充劳动合同' });
  expect(v.clocks).toEqual({});
  const sup = await post(`/api/v1/nanxun/claims/${id}/supplement`, t.applicant1!, { comment: '已补充', changes: { employerPhone: '0572-3000000' } });
  expect(sup.status).toBe(200);
  v = await expectCurrent(id);
  expect(v.tasks[0]).toMatchObject({ state: 'open' });
  expect(v.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['supplement_requested', 'supplement_submitted']));

  // three decisions
  await decide(id, 'unit_verification', 'unit.lhwl', { decision: 'approve', verdict: 'true', confirmedLevel: 'intermediate' });
  await openTask(id, 'bureau_review', 'bureau1');
  v = await expectCurrent(id);
  expect(v).toMatchObject({ status: 'bureau_review' });
  expect(v.timeline.find((e) => e.event === 'decided')).toMatchObject({
    orgName: expect.any(String),
    details: { verdict: 'true', confirmedLevel: 'intermediate' },
  });
  // the decision's entry names the materials the unit had before it (0025_materials), in the projection as live
  expect((v.timeline.find((e) => e.event === 'decided')!.details as { materials: { kind: string }[] }).materials.map((m) => m.kind)).toEqual([
    'id_card',
    'certificate',
    'contract',
    'social_insurance',
    'tax',
  ]);
  await decide(id, 'bureau_review', 'bureau1', { decision: 'approve' });
  await openTask(id, 'rereview', 'rereview.jtj');
  await expectCurrent(id);
  await decide(id, 'rereview', 'rereview.jtj', { decision: 'approve', amountYuan: 3000 });

  // paid, the second instalment scheduled
  v = await eventually(async () => {
    const { projected } = await bothViews(id);
    return projected.status === 'awaiting_next_instalment' && projected.instalments[1]?.status === 'scheduled' ? projected : null;
  }, 'year 1 paid, year 2 scheduled');
  v = await expectCurrent(id);
  expect(v).toMatchObject({ paidYuan: 3000, nextInstalmentDueOn: addMonths(today(), 12) });
  // what the applicant sees: the yearly release (12-01) of the year it falls due, which pays it — not the
  // anniversary, which may fall after that payment (2027-12-07 is paid by the 2027-12-01 release)
  const seen = (await get(`/api/v1/nanxun/claims/${id}`, t.applicant1!)).body;
  expect(seen).toMatchObject({ nextInstalmentDueOn: addMonths(today(), 12), nextInstalmentReleaseOn: `${addMonths(today(), 12).slice(0, 4)}-12-01` });
  expect(v.instalments[0]).toMatchObject({ status: 'paid', paidAt: expect.stringMatching(/\+08:00$/), recoveredAt: null });
  expect(v.tasks.map((x) => x.state)).toEqual(['done', 'done', 'done']);

  // clawed back: the payment recovered, the pending instalments cancelled
  const cb = await post(`/api/v1/nanxun/claims/${id}/clawback`, t.bureau1!, { reason: '劳动合同系伪造' });
  expect(cb.status).toBe(200);
  v = await eventually(async () => {
    const { projected } = await bothViews(id);
    return projected.status === 'clawed_back' ? projected : null;
  }, 'clawed back');
  v = await expectCurrent(id);
  expect(v).toMatchObject({ closeReason: '劳动合同系伪造', closedAt: expect.any(String), nextInstalmentDueOn: null });
  expect(v.instalments.map((i) => i.status)).toEqual(['recovered', 'cancelled', 'cancelled']);
  expect(v.timeline.at(-1)).toMatchObject({ event: expect.any(String) });
  expect(v.timeline.some((e) => e.event === 'clawed_back' && e.comment === '劳动合同系伪造')).toBe(true);

  // rows changed by hand (an operator's SQL, one table at a time) are projected too
  await tdb.db.updateTable('payout').set({ paid_at: '2026-01-05T01:02:03.456Z' }).where('claim_id', '=', id).execute();
  v = await expectCurrent(id);
  expect(v.instalments[0]).toMatchObject({ paidAt: '2026-01-05T09:02:03.456+08:00' });
  await tdb.db.updateTable('task').set({ comment: '人工更正' }).where('subject_id', '=', id).where('kind', '=', 'bureau_review').execute();
  v = await expectCurrent(id);
  expect(v.tasks.find((x) => x.kind === 'bureau_review')).toMatchObject({ comment: '人工更正' });

  // several changes in one transaction: the view is rebuilt once, at commit, with all of them — also when the
  // deferred triggers are made to fire early (SET CONSTRAINTS ALL IMMEDIATE) and rows change after that
  await tdb.db.transaction().execute(async (trx) => {
    await trx.updateTable('task').set({ comment: '第一次' }).where('subject_id', '=', id).where('kind', '=', 'rereview').execute();
    await trx.updateTable('payout').set({ paid_at: '2026-01-06T00:00:00.000Z' }).where('claim_id', '=', id).execute();
    await sql`set constraints all immediate`.execute(trx);
    await trx.updateTable('task').set({ comment: '第二次' }).where('subject_id', '=', id).where('kind', '=', 'rereview').execute();
  });
  v = await expectCurrent(id);
  expect(v.tasks.find((x) => x.kind === 'rereview')).toMatchObject({ comment: '第二次' });
  expect(v.instalments[0]).toMatchObject({ paidAt: '2026-01-06T08:00:00.000+08:00' });

  // two transactions change the claim concurrently: the one committing last rebuilds with the other's change too
  await tdb.db.transaction().execute(async (first) => {
    await first.updateTable('task').set({ comment: '并发一' }).where('subject_id', '=', id).where('kind', '=', 'unit_verification').execute();
    await tdb.db.transaction().execute(async (second) => {
      await second.updateTable('payout').set({ paid_at: '2026-01-07T00:00:00.000Z' }).where('claim_id', '=', id).execute();
    });
  });
  v = await expectCurrent(id);
  expect(v.tasks.find((x) => x.kind === 'unit_verification')).toMatchObject({ comment: '并发一' });
  expect(v.instalments[0]).toMatchObject({ paidAt: '2026-01-07T08:00:00.000+08:00' });

  // …and when the second one's rebuild has to wait for the first's (which holds the view row's lock): it builds
  // after the first committed, so it sees the first's change (building in the statement that waited would not)
  let second: Promise<void> | undefined;
  await tdb.db.transaction().execute(async (first) => {
    await first.updateTable('task').set({ comment: '并发二' }).where('subject_id', '=', id).where('kind', '=', 'bureau_review').execute();
    await sql`set constraints all immediate`.execute(first); // its rebuild runs now and holds the claim until commit
    second = tdb.db.transaction().execute(async (trx) => {
      await trx.updateTable('payout').set({ paid_at: '2026-01-08T00:00:00.000Z' }).where('claim_id', '=', id).execute();
    });
    await untilWaitingForLock(tdb.db, 'the second waiting at its commit'); // then the first commits
  });
  await second;
  v = await expectCurrent(id);
  expect(v.tasks.find((x) => x.kind === 'bureau_review')).toMatchObject({ comment: '并发二' });
  expect(v.instalments[0]).toMatchObject({ paidAt: '2026-01-08T08:00:00.000+08:00' });

  // a claim whose insert is not committed yet while another transaction writes its first rows (the submit route
  // starts the workflow inside its transaction): whichever rebuilds last sees both
  const early = await tdb.db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const earlyId = `${id}-early`;
  let task: Promise<void> | undefined;
  await tdb.db.transaction().execute(async (submit) => {
    await submit
      .insertInto('claim')
      .values({
        ...early,
        id: earlyId,
        application_no: `${early.application_no}-E`,
        workflow_id: `${early.workflow_id}-E`,
        kind: 'certificate',
        applicant_id_number: '110105194912310029',
        form: JSON.stringify(early.form),
        status: 'unit_verification',
        closed_at: null,
        close_reason: null,
      })
      .execute();
    await sql`set constraints all immediate`.execute(submit); // its rebuild runs now, as at its commit
    task = tdb.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('timeline')
        .values({
          event_key: `${earlyId}/first`,
          subject_type: 'nanxun_claim',
          subject_id: earlyId,
          stage: 'unit_verification',
          org_code: 'NX-E-LHWL',
          actor: 'system',
          actor_name: '系统',
          event: 'task_opened',
          decision: null,
          comment: null,
          data: null,
          at: new Date(),
        })
        .execute();
    });
    await untilWaitingForLock(tdb.db, 'the first rows waiting for the uncommitted claim');
  });
  await task;
  expect((await expectCurrent(earlyId, 'none')).timeline.map((e) => e.event)).toEqual(['task_opened']);

  // an organisation involved is renamed: its name changes on the claim (re-review body and timeline rows)
  await tdb.db.updateTable('org').set({ name: '南浔区交通运输局（更名）' }).where('code', '=', 'NX-JTJ').execute();
  v = await expectCurrent(id);
  expect(v.rereviewOrg).toEqual({ code: 'NX-JTJ', name: '南浔区交通运输局（更名）' });
  expect(v.timeline.filter((e) => e.orgCode === 'NX-JTJ').every((e) => e.orgName === '南浔区交通运输局（更名）')).toBe(true);

  // another clerk than the person or a verifier sees the ID number masked, from the same projection
  const rr = await get(`/api/v1/nanxun/claims/${id}`, t['rereview.jtj']!);
  expect(rr.status).toBe(200);
  expect(rr.body.applicant.idNumber).not.toBe(v.applicant.idNumber);
  expect(rr.body.applicant.idNumber).toMatch(/\*/);
  expect({ ...rr.body, applicant: null }).toEqual({ ...(await get(`/api/v1/nanxun/claims/${id}`, t.applicant1!)).body, applicant: null });
});

test('the migration fills the projection of claims that already exist', async () => {
  const ids = (await tdb.db.selectFrom('claim').select('id').execute()).map((r) => r.id);
  expect(ids.length).toBeGreaterThan(0);
  await m0086.down(tdb.db); // no materials and basis columns, no material triggers
  await m0085.down(tdb.db); // the triggers as 0006 made them, so that its down finds them
  await m0006.down(tdb.db);
  expect((await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'claim_view'`.execute(tdb.db)).rows[0]!.n).toBe(
    0,
  );
  await m0006.up(tdb.db);
  await m0085.up(tdb.db); // claim-view triggers only for claim rows (issue 23)
  // 0025_materials extends the timeline details (the materials each decision saw) and rebuilds the projections
  await installTimelineDetails(tdb.db);
  await encryptClaimView(tdb.db); // 0021: the projection carries the ciphertexts
  await m0086.up(tdb.db); // the materials and the policy basis kept beside the view (issue 23)
  for (const id of ids) {
    const { projected, live } = await bothViews(id);
    expect(projected).toEqual(live);
  }
});
