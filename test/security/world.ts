/**
 * A populated world for the security tests: every demo account with a token, and claims of two applicants
 * at every stage of every workflow that exists (each task kind open, one done, one paused).
 *
 * Extending: a new workflow adds a `build…` function below that creates its subjects through the API and
 * returns them as `Subject`s; test/security/authzMatrix.test.ts then covers its tasks automatically, provided
 * its task kinds have a row in TASK_KIND_RULES there.
 */
import request from 'supertest';
import type { Express } from 'express';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { devServerEnv, startWorker, uniqueTaskQueue, eventually } from '../helpers/temporal';
import { freshDatabase, type TestDb } from '../helpers/db';
import { testApp, auth } from '../helpers/app';
import { createTokenIssuer, tokenForUser } from '../../platform/auth/authenticate';
import { shanghaiDate, addDays } from '../../platform/calendar/workdays';
import type { Task } from '../../db/schema';
import { withClaimMaterials, withTitleMaterials } from '../helpers/materials';

export interface Account {
  username: string;
  roles: string[];
  orgCode: string | null;
  idNumber: string | null;
  token: string;
}

/** A workflow subject (claim, application…) and who is involved in it. */
export interface Subject {
  type: string;
  id: string;
  ref: string;
  /** the applicant's username */
  owner: string;
  /** organisations whose staff may see it */
  involvedOrgs: string[];
  /** the route that shows it, e.g. /api/v1/nanxun/claims/:id */
  viewPath: string;
  /** organisation per role in the process, for TASK_KIND_RULES */
  orgs: Record<string, string>;
}

export interface World {
  env: TestWorkflowEnvironment;
  tdb: TestDb;
  app: Express;
  taskQueue: string;
  accounts: Account[];
  byName: Record<string, Account>;
  subjects: Subject[];
  stop(): Promise<void>;
}

// same secret as test/helpers/app.ts testApp: tokens are signed directly, so the login rate limit is not spent
export const SECRET = 'test-secret-for-jest-only-0123456789';

export async function buildWorld(opts: { subjects?: boolean } = {}): Promise<World> {
  const [env, tdb] = await Promise.all([devServerEnv(), freshDatabase()]);
  const taskQueue = uniqueTaskQueue('sec');
  const { stop: stopWorker } = await startWorker(env, tdb.db, taskQueue);
  const app = testApp(tdb.db, env.client, taskQueue);
  const issuer = createTokenIssuer(SECRET);
  const users = await tdb.db.selectFrom('app_user').selectAll().where('is_demo', '=', true).orderBy('id').execute();
  const accounts: Account[] = [];
  for (const u of users) {
    const token = await tokenForUser(tdb.db, issuer, u);
    accounts.push({ username: u.username, roles: u.roles, orgCode: u.org_code, idNumber: u.id_number, token });
  }
  const byName = Object.fromEntries(accounts.map((a) => [a.username, a]));
  const world: World = {
    env,
    tdb,
    app,
    taskQueue,
    accounts,
    byName,
    subjects: [],
    async stop() {
      await stopWorker();
      await env.teardown();
      await tdb.drop();
    },
  };
  if (opts.subjects !== false) {
    world.subjects.push(...(await buildCertificateClaims(world)));
    world.subjects.push(...(await buildTitleApplications(world)));
  }
  return world;
}

export async function openTaskOf(w: World, subjectId: string, kind: string): Promise<Task> {
  return eventually(
    () =>
      w.tdb.db
        .selectFrom('task')
        .selectAll()
        .where('subject_id', '=', subjectId)
        .where('kind', '=', kind)
        .where('state', 'in', ['open', 'paused'])
        .executeTakeFirst(),
    `${kind} task of ${subjectId}`,
  );
}

export async function decideAs(w: World, username: string, taskId: string, body: object): Promise<request.Response> {
  const res = await request(w.app)
    .post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`)
    .set(auth(w.byName[username]!.token))
    .send(body);
  if (res.status !== 200) throw new Error(`decision by ${username} on ${taskId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export function certificateClaimBody(level: string, employerOrgCode = 'NX-E-JGJX') {
  const today = shanghaiDate(new Date());
  return {
    kind: 'certificate',
    employerOrgCode,
    position: '安全主管',
    employerNature: 'production',
    certificate: { number: `ZA${Math.floor(Math.random() * 1e8)}`, level, issuedOn: addDays(today, -40), receivedOn: addDays(today, -30) },
  };
}

/**
 * Certificate claims: applicant1 (employer 精工机械, re-review 南浔镇) at unit verification, bureau review and
 * re-review; applicant2 (employer 练市新材料, re-review 练市镇) with a bureau review paused for materials.
 */
async function buildCertificateClaims(w: World): Promise<Subject[]> {
  const submit = async (username: string, level: string, employer: string) => {
    const token = w.byName[username]!.token;
    const res = await request(w.app)
      .post('/api/v1/nanxun/claims')
      .set(auth(token))
      .send(await withClaimMaterials(w.app, token, certificateClaimBody(level, employer)));
    if (res.status !== 201) throw new Error(`claim by ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; applicationNo: string };
  };
  // the re-reviewing town sees a claim from its own stage on (data minimisation), the employer and the bureau from submission
  const subject = (c: { id: string; applicationNo: string }, owner: string, employer: string, town: string, reachedRereview: boolean): Subject => ({
    type: 'nanxun_claim',
    id: c.id,
    ref: c.applicationNo,
    owner,
    involvedOrgs: reachedRereview ? [employer, 'NX-YJGLJ', town] : [employer, 'NX-YJGLJ'],
    viewPath: `/api/v1/nanxun/claims/${c.id}`,
    orgs: { unit_verifier: employer, bureau_reviewer: 'NX-YJGLJ', rereviewer: town },
  });
  const [atUnit, atBureau, atRereview, paused] = await Promise.all([
    submit('applicant1', 'junior', 'NX-E-JGJX'),
    submit('applicant1', 'intermediate', 'NX-E-JGJX'),
    submit('applicant1', 'senior', 'NX-E-JGJX'),
    submit('applicant2', 'senior', 'NX-E-LSXC'),
  ]);
  for (const c of [atBureau, atRereview]) await decideAs(w, 'unit.jgjx', (await openTaskOf(w, c.id, 'unit_verification')).id, { decision: 'approve' });
  await decideAs(w, 'unit.lsxc', (await openTaskOf(w, paused.id, 'unit_verification')).id, { decision: 'approve' });
  await decideAs(w, 'bureau1', (await openTaskOf(w, atRereview.id, 'bureau_review')).id, { decision: 'approve' });
  await decideAs(w, 'bureau1', (await openTaskOf(w, paused.id, 'bureau_review')).id, { decision: 'request_supplement', comment: '请补充劳动合同' });
  await openTaskOf(w, atRereview.id, 'rereview');
  return [
    subject(atUnit, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ', false),
    subject(atBureau, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ', false),
    subject(atRereview, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ', true),
    subject(paused, 'applicant2', 'NX-E-LSXC', 'NX-T-LSZ', false),
  ];
}

/** Committee office of the Zhejiang title review (one organisation, province-wide) and the HRSS that approves. */
export const ZJ_COMMITTEE_OFFICE = 'ZJ-YJT-RSC';
export const ZJ_HRSS = 'ZJ-RST';

/**
 * Zhejiang senior-title applications (only their first steps: the world runs in real time). A senior session
 * opened by office1; applicant1 (employer 精工机械 → 湖州市应急管理局, 湖州中级评委会) at unit recommendation;
 * applicant2 (employer 杭州安科 → 杭州市应急管理局, 杭州中级评委会) recommended, in the unit publicity, with an
 * objection under investigation. Routing per titleReview/seed.ts zj_unit (reference data, not the code under test).
 */
async function buildTitleApplications(w: World): Promise<Subject[]> {
  const year = Number(shanghaiDate(new Date()).slice(0, 4)) + 2;
  const session = await request(w.app)
    .post('/api/v1/zhejiang/sessions')
    .set(auth(w.byName.office1!.token))
    .send({ year, level: 'senior', meetingDate: `${year}-06-10` });
  if (session.status !== 201) throw new Error(`session: ${session.status} ${JSON.stringify(session.body)}`);
  const apply = async (username: string, employer: string) => {
    const res = await request(w.app)
      .post('/api/v1/zhejiang/applications')
      .set(auth(w.byName[username]!.token))
      .send(
        await withTitleMaterials(w.app, w.byName[username]!.token, {
          sessionId: session.body.id,
          category: 'safety_science',
          channel: 'standard',
          employerOrgCode: employer,
          commitment: true,
          materials: { achievements: 'matrix fixture' },
        }),
      );
    if (res.status !== 201) throw new Error(`title application by ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; applicationNo: string };
  };
  const subject = (a: { id: string; applicationNo: string }, owner: string, employer: string, dept: string, lower: string): Subject => ({
    type: 'title_application',
    id: a.id,
    ref: a.applicationNo,
    owner,
    // the employer, the committee office, and the HRSS that approves the session's plan and grants the titles; the
    // competent department and the lower committee only from their own stage on, which neither application has reached
    involvedOrgs: [employer, ZJ_COMMITTEE_OFFICE, ZJ_HRSS],
    viewPath: `/api/v1/zhejiang/applications/${a.id}`,
    orgs: { unit_verifier: employer, competent_dept: dept, lower_committee: lower, committee_office: ZJ_COMMITTEE_OFFICE },
  });
  const [atUnit, objected] = await Promise.all([apply('applicant1', 'NX-E-JGJX'), apply('applicant2', 'ZJ-E-HZAK')]);
  await openTaskOf(w, atUnit.id, 'unit_recommendation');
  await decideAs(w, 'unit.hzak', (await openTaskOf(w, objected.id, 'unit_recommendation')).id, { decision: 'approve' });
  const notice = await eventually(
    () => w.tdb.db.selectFrom('notice').select('id').where('kind', '=', 'unit_publicity').where('subject_id', '=', objected.id).executeTakeFirst(),
    `unit publicity notice of ${objected.applicationNo}`,
  );
  const objection = await request(w.app)
    .post(`/api/v1/public/notices/${encodeURIComponent(notice.id)}/objections`)
    .send({ text: '申报材料中的业绩与实际不符（矩阵测试）', applicationId: objected.id });
  if (objection.status !== 201) throw new Error(`objection: ${objection.status} ${JSON.stringify(objection.body)}`);
  await openTaskOf(w, objected.id, 'objection_investigation');
  return [subject(atUnit, 'applicant1', 'NX-E-JGJX', 'HZ-YJJ', 'HZ-ZJPW'), subject(objected, 'applicant2', 'ZJ-E-HZAK', 'HGZ-YJJ', 'HGZ-ZJPW')];
}
