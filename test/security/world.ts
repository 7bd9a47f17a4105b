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
import { createTokenIssuer } from '../../api/auth';
import { shanghaiDate, addDays } from '../../domain/workdays';
import type { Task } from '../../db/schema';

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
    const token = await issuer.sign({ userId: u.id, username: u.username, displayName: u.display_name, roles: u.roles, orgCode: u.org_code, idNumber: u.id_number });
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
  if (opts.subjects !== false) world.subjects.push(...(await buildCertificateClaims(world)));
  return world;
}

export async function openTaskOf(w: World, subjectId: string, kind: string): Promise<Task> {
  return eventually(
    () => w.tdb.db.selectFrom('task').selectAll().where('subject_id', '=', subjectId).where('kind', '=', kind).where('state', 'in', ['open', 'paused']).executeTakeFirst(),
    `${kind} task of ${subjectId}`,
  );
}

export async function decideAs(w: World, username: string, taskId: string, body: object): Promise<request.Response> {
  const res = await request(w.app).post(`/api/v1/tasks/${encodeURIComponent(taskId)}/decision`).set(auth(w.byName[username]!.token)).send(body);
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
    const res = await request(w.app).post('/api/v1/nanxun/claims').set(auth(w.byName[username]!.token)).send(certificateClaimBody(level, employer));
    if (res.status !== 201) throw new Error(`claim by ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; applicationNo: string };
  };
  const subject = (c: { id: string; applicationNo: string }, owner: string, employer: string, town: string): Subject => ({
    type: 'nanxun_claim',
    id: c.id,
    ref: c.applicationNo,
    owner,
    involvedOrgs: [employer, 'NX-YJGLJ', town],
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
    subject(atUnit, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ'),
    subject(atBureau, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ'),
    subject(atRereview, 'applicant1', 'NX-E-JGJX', 'NX-T-NXZ'),
    subject(paused, 'applicant2', 'NX-E-LSXC', 'NX-T-LSZ'),
  ];
}
