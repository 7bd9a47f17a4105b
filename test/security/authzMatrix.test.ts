/**
 * Authorisation matrix (OWASP API1: broken object-level authorisation). Table-driven over
 *   every route declared with defineRoute (platform/http/route.ts declaredRoutes = the OpenAPI document's paths)
 *   × every demo account (every role, every organisation)
 *   × every subject (the applicant's own claim vs another's; own organisation vs another)
 *   × every task of every kind (open, done, paused).
 * The expected answer of each cell comes from the policy written out below, independently of the code under
 * test; the test fails on any unexpected allow (and on any unexpected deny).
 *
 * Extending to a new workflow: build its subjects in test/security/world.ts, give each of its task kinds a
 * row in TASK_KIND_RULES, and give each of its routes an entry in ROUTE_CASES (an object-level case, or
 * 'role-level' with a reason). A route or task kind without an entry fails the coverage test.
 */
import request from 'supertest';
import { auth } from '../helpers/app';
import { declaredRoutes } from '../../platform/http/route';
import type { Task } from '../../db/schema';
import { buildWorld, certificateClaimBody, type Account, type Subject, type World } from './world';

jest.setTimeout(240_000);

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(async () => {
  await w?.stop();
});

/** Who decides a task of each kind: the role, and which of the subject's organisations. */
const TASK_KIND_RULES: Record<string, { role: string }> = {
  unit_verification: { role: 'unit_verifier' },
  bureau_review: { role: 'bureau_reviewer' },
  rereview: { role: 'rereviewer' },
  // Zhejiang title review: the employer's clerk recommends (单位考核推荐)
  unit_recommendation: { role: 'unit_verifier' },
  // an objection to a notice is investigated by the body that published it. The world holds only objections to the
  // unit's internal publicity (published by the employer → its unit_verifier); objections to the office's pre-review
  // and results notices (committee_office) are not reachable in real time, and would need a per-notice rule here.
  objection_investigation: { role: 'unit_verifier' },
};

/** Every declared route: which object-level case below covers it, or why role-level checks suffice. */
const ROUTE_CASES: Record<string, string> = {
  'POST /api/v1/auth/login': 'role-level: public; failed-login lockout in personalData.test.ts and platform/auth/test/loginProtection.api.test.ts',
  'POST /api/v1/auth/register':
    'role-level: public; no ID oracle and identity binding in platform/auth/test/registration.api.test.ts and identityBinding.api.test.ts',
  'POST /api/v1/auth/logout': "role-level: any account; ends only the caller's own session (platform/auth/test/sessions.api.test.ts)",
  'POST /api/v1/auth/password':
    "role-level: any account; changes only the caller's own password, the old one required (platform/admin/test/accounts.api.test.ts)",
  'POST /api/v1/admin/users':
    'role-level: security_admin only (三员分立); roles fit the organisation, one administrator role per account, the password goes to the person (platform/admin/test/accounts.api.test.ts)',
  'GET /api/v1/admin/users': 'role-level: security_admin and auditor; the account list (no ID numbers or phones)',
  'PATCH /api/v1/admin/users/:username':
    'role-level: security_admin only; not on their own roles, roles fit the organisation, audited, sessions revoked (accounts.api.test.ts, sessions.api.test.ts)',
  'POST /api/v1/admin/users/:username/reset-password':
    'role-level: security_admin only; the password goes to the person by SMS; audited (accounts.api.test.ts)',
  'GET /api/v1/admin/lockouts': 'role-level: security_admin and auditor; current login lockouts',
  'POST /api/v1/admin/lockouts/:username/unlock': 'role-level: security_admin only; audited (platform/auth/test/loginProtection.api.test.ts)',
  'GET /api/v1/admin/audit': 'role-level: the audit administrator (auditor) only (accounts.api.test.ts checks the other administrators and clerks are refused)',
  'POST /api/v1/admin/reconciliations': 'role-level: admin only; starts a district-wide reconciliation run (test/operations/reconciliation.test.ts)',
  'GET /api/v1/admin/reconciliations/:id': 'role-level: admin and auditor; a run and its findings: workflow ids, statuses, amounts, no personal data',
  'GET /api/v1/admin/identity-disputes': 'role-level: the district bureau (which resolves them) and oversight roles; ID numbers masked',
  'POST /api/v1/admin/identity-disputes/:id/resolve':
    'role-level: the district bureau and security_admin; audited (platform/auth/test/identityBinding.api.test.ts)',
  'POST /api/v1/zhejiang/experts/:id/account':
    'role-level: committee office only; the expert pool has no other owner (platform/admin/test/accounts.api.test.ts)',
  'GET /api/v1/auth/me': 'me',
  'GET /api/v1/dev/accounts': 'role-level: public in development mode only (404 otherwise: certificateClaim.api.test.ts)',
  'GET /api/v1/dev/sms': 'role-level: public in development mode only (404 otherwise: platform/notifications/test/devSms.api.test.ts)',
  'GET /api/v1/tasks': 'task inbox',
  'GET /api/v1/tasks/:id': 'task view',
  'POST /api/v1/tasks/:id/decision': 'task decision',
  'POST /api/v1/nanxun/claims': 'claim submission identity',
  'GET /api/v1/nanxun/claims': 'claim list',
  'GET /api/v1/nanxun/claims/:id': 'claim view',
  'POST /api/v1/nanxun/claims/:id/supplement': 'claim supplement',
  'GET /api/v1/public/progress': 'public progress',
  'GET /api/v1/admin/calendar/:year': 'role-level: reference data, no object owner',
  'PUT /api/v1/admin/calendar/:year': 'role-level: reference data, no object owner',
  'POST /api/v1/nanxun/claims/:id/clawback': 'role-level: bureau reviewers only (one organisation, the district bureau, sees every claim)',
  'POST /api/v1/nanxun/instalments/release': 'role-level: admin only, district-wide batch',
  'PUT /api/v1/nanxun/funds/:orgCode/budgets/:year': 'role-level: admin only, reference data',
  'GET /api/v1/orgs': 'role-level: public reference data (organisation list)',
  'POST /api/v1/admin/orgs': 'role-level: admin only, reference data (organisations have no object owner)',
  'GET /api/v1/admin/orgs': 'role-level: admin and auditor, reference data (organisations, no personal data)',
  'GET /api/v1/admin/orgs/:code': 'role-level: admin and auditor, reference data (organisations, no personal data)',
  'PATCH /api/v1/admin/orgs/:code': 'role-level: admin only, reference data (organisations have no object owner)',
  'POST /api/v1/admin/orgs/import': 'role-level: admin only, reference data (bulk import of organisations)',
  'GET /api/v1/reports/claims-by-stage': 'role-level: district-wide aggregates for the bureau, office and oversight roles (no personal data)',
  'GET /api/v1/reports/overdue-tasks': 'role-level: district-wide supervision list for the bureau, office and oversight roles (application numbers only)',
  'GET /api/v1/reports/funds': 'role-level: district-wide fund totals for the bureau, office and oversight roles',
  'GET /api/v1/reports/sessions': 'role-level: title-review session totals for the bureau, office and oversight roles',
  'GET /api/v1/nanxun/funds/report': 'fund report',
  // Zhejiang senior-title review
  'POST /api/v1/zhejiang/sessions': 'role-level: committee office only (one organisation, province-wide, runs every session)',
  'GET /api/v1/zhejiang/sessions': 'role-level: any account; year, level, meeting date and status of the annual sessions, no personal data',
  'GET /api/v1/zhejiang/sessions/:id':
    'role-level: any account; session schedule, counts per status and, after the ballot, results by application number and name (the same list the public results notice publishes); no ID numbers or individual votes',
  'POST /api/v1/zhejiang/sessions/:id/pre-review': 'role-level: committee office only, session-wide step',
  'POST /api/v1/zhejiang/sessions/:id/plan': 'role-level: committee office only, session-wide step',
  'POST /api/v1/zhejiang/sessions/:id/meeting-date': 'role-level: committee office only, session-wide step',
  'POST /api/v1/zhejiang/sessions/:id/attendance': 'role-level: committee office only, session-wide step',
  'POST /api/v1/zhejiang/sessions/:id/interviews': 'role-level: committee office only, session-wide step',
  'POST /api/v1/zhejiang/sessions/:id/committee': 'role-level: committee office only, session-wide draw',
  'GET /api/v1/zhejiang/sessions/:id/committee': 'role-level: the drawn committee is confidential to the committee office and oversight roles',
  'GET /api/v1/zhejiang/sessions/:id/ballot':
    'role-level: experts and the office; membership/presence flags, and an empty applicant list for an expert who is not on the committee, checked in titleReview/test/titleSession.test.ts',
  'POST /api/v1/zhejiang/sessions/:id/ballots':
    'role-level: experts; voting membership (NOT_A_VOTING_MEMBER) checked per expert in titleReview/test/titleSession.test.ts',
  'POST /api/v1/zhejiang/sessions/:id/close-ballot':
    'role-level: experts; only the presiding member (NOT_PRESIDING) checked in titleReview/test/titleSession.test.ts',
  'GET /api/v1/zhejiang/sessions/:id/ballot-share':
    "role-level: experts; only the share's holder (chair or vice-chair) gets it, once (NOT_SHARE_HOLDER, SHARE_ALREADY_COLLECTED), checked in titleReview/test/ballotThreshold.test.ts",
  'POST /api/v1/zhejiang/sessions/:id/ballot-shares':
    "role-level: experts; only the share's holder, with their own share (NOT_SHARE_HOLDER, WRONG_BALLOT_SHARE), checked in titleReview/test/ballotThreshold.test.ts",
  'POST /api/v1/zhejiang/experts': 'role-level: committee office only; the expert pool is reference data with no object owner',
  'GET /api/v1/zhejiang/experts': 'role-level: committee office and oversight roles; the expert pool, no object owner',
  'POST /api/v1/zhejiang/applications': 'title application submission identity',
  'GET /api/v1/zhejiang/applications': 'title application list',
  'GET /api/v1/zhejiang/applications/:id': 'subject view',
  'POST /api/v1/zhejiang/applications/:id/misconduct':
    'role-level: committee office only (one organisation, province-wide, involved in every application); irreversible, so not probed here',
  'GET /api/v1/public/notices': 'role-level: public by design (公示 publicity notices)',
  'GET /api/v1/public/notices/:id': 'role-level: public by design (公示 publicity notice)',
  'POST /api/v1/public/notices/:id/objections':
    'role-level: public by design (anyone may object to a running notice; it only opens a task for the publisher and shows nothing)',
  'GET /api/v1/public/certificates/:code': 'role-level: public by design (certificate verification, ID number masked)',
  // materials (申请材料) and service ratings (好差评)
  'POST /api/v1/materials': 'role-level: applicants upload into their own account; attaching checks ownership (platform/materials/test/materials.api.test.ts)',
  'GET /api/v1/materials/:id': 'material download',
  'DELETE /api/v1/materials/:id': 'material download',
  'GET /api/v1/materials/audit': 'role-level: the audit administrator (auditor) only, the download audit trail',
  'POST /api/v1/ratings': 'rating',
  'GET /api/v1/ratings/:type/:id': 'rating',
  'GET /api/v1/reports/ratings': 'role-level: rating aggregates per organisation and month for the bureau, office and oversight roles (no personal data)',
  // the message centre (消息): every query is scoped to the caller as recipient
  'GET /api/v1/notifications':
    "role-level: any account; only the caller's own messages (recipient = caller in the query), checked in platform/notifications/test/notifications.test.ts",
  'GET /api/v1/notifications/unread-count': "role-level: any account; the caller's own count",
  'POST /api/v1/zhejiang/applications/:id/supplement':
    "role-level: applicants; only the application's own applicant (ID number) may answer — anyone else gets 404 (titleReview/test/titleSupplement.test.ts)",
  'GET /api/v1/nanxun/application-periods': 'role-level: public by design (the published application periods are a public notice)',
  'GET /api/v1/nanxun/application-periods/:year/versions':
    'role-level: public by design (every published version of a public notice; nanxun/test/applicationPeriod.api.test.ts)',
  'POST /api/v1/nanxun/application-periods':
    'role-level: bureau reviewers only (one organisation, the district bureau, publishes the period); reference data with no object owner',
  'POST /api/v1/codec/session':
    "role-level: admin only; sets the codec cookie of the admin's own session, audited (platform/codec/test/codecEndpoint.api.test.ts)",
  'DELETE /api/v1/codec/session': "role-level: admin only; clears the caller's own codec cookie",
  // policy editions (platform/policy): public reading, admin-only publication (nanxun/test/policyDryRun.api.test.ts)
  'GET /api/v1/policies': 'role-level: public by design (the editions of each policy, in force, past and future, are public law)',
  'GET /api/v1/policies/:id': 'role-level: public by design (one edition with its parameters and clauses)',
  'POST /api/v1/admin/policies/dry-run': 'role-level: admin only; reads the open claims to say which stages an edition would touch, writes nothing',
  'POST /api/v1/admin/policies':
    'role-level: admin only; policy editions are district-wide reference data with no object owner, each publication audited (nanxun/test/policyDryRun.api.test.ts)',
  // federated sign-in (platform/auth/federation/test/)
  'GET /api/v1/auth/providers': 'role-level: public; the configured providers (names, audiences), no secrets',
  'GET /api/v1/auth/providers/:id/start': 'role-level: public; starts a sign-in (state, nonce, PKCE, browser binding) in zlbPerson.api.test.ts',
  'GET /api/v1/auth/providers/:id/callback':
    'role-level: public; only a flow this server started in this browser, once (wrong state, replay, other browser: zlbPerson.api.test.ts)',
  'POST /api/v1/auth/exchange': 'role-level: public; a one-time code, 60 s, once (zlbPerson.api.test.ts)',
  'POST /api/v1/auth/link': "role-level: public; a link ticket plus the existing account's password (zlbPerson.api.test.ts)",
  'GET /api/v1/auth/password-login': 'role-level: public; which roles may log in with a password (no personal data)',
  'POST /api/v1/auth/link/sms-code':
    "role-level: public; a link ticket, and the code goes only to the mobile stored on an account under the ticket's ID number (smsLink.api.test.ts)",
  'POST /api/v1/admin/accounts/import':
    'role-level: security administrator only (三员分立); clerk roles fitting the organisation, passwords to the people, audited (platform/admin/test/accountImport.api.test.ts)',
  'GET /api/v1/admin/login-policy': 'role-level: security administrator and auditor; password login per role',
  'PUT /api/v1/admin/login-policy/:role': 'role-level: security administrator only (三员分立); audited (zzdAndLegal.api.test.ts)',
  'GET /api/v1/admin/users/:username/identities': 'role-level: security administrator and auditor; provider identities of an account',
  'PUT /api/v1/admin/users/:username/identities/:provider': 'role-level: security administrator only (三员分立); audited (zzdAndLegal.api.test.ts)',
  'DELETE /api/v1/admin/users/:username/identities/:provider': 'role-level: security administrator only (三员分立); audited, sessions end',
  'GET /api/v1/enterprise/verifiers': "role-level: legal persons; only their own enterprise's verifiers (org from the session)",
  'POST /api/v1/enterprise/verifiers': 'role-level: legal persons; designates for their own enterprise only (zzdAndLegal.api.test.ts)',
  'DELETE /api/v1/enterprise/verifiers/:username': "role-level: legal persons; another enterprise's verifier is 404 (zzdAndLegal.api.test.ts)",
  'POST /api/v1/notifications/:id/read':
    "role-level: any account; someone else's message answers 404 and stays unread (platform/notifications/test/notifications.test.ts)",
};

type Verdict = 'allow' | 'deny';
const DENY_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_YOUR_TASK', 'NOT_FOUND', 'IDENTITY_MISMATCH', 'NOT_A_VOTING_MEMBER']);
function verdictOf(res: request.Response, cell: string): Verdict {
  if (res.status >= 500) throw new Error(`${cell}: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.status < 300) return 'allow';
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return DENY_CODES.has(res.body.code) ? 'deny' : 'allow';
}

interface Mismatch {
  cell: string;
  expected: Verdict;
  actual: Verdict;
  status: number;
  code?: string;
}
const mismatches: Mismatch[] = [];
let cells = 0;
function record(cell: string, expected: Verdict, res: request.Response) {
  cells++;
  const actual = verdictOf(res, cell);
  if (actual !== expected) mismatches.push({ cell, expected, actual, status: res.status, code: res.body?.code });
}
function assertNoMismatch(what: string) {
  const mine = mismatches.splice(0);
  const unexpectedAllows = mine.filter((m) => m.actual === 'allow');
  const unexpectedDenies = mine.filter((m) => m.actual === 'deny');
  expect({ what, unexpectedAllows }).toEqual({ what, unexpectedAllows: [] });
  expect({ what, unexpectedDenies }).toEqual({ what, unexpectedDenies: [] });
}

/** Runs the probes a few at a time. */
async function inBatches<T>(items: T[], fn: (t: T) => Promise<void>, size = 8) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const staff = (a: Account) => a.roles.some((r) => r !== 'applicant');
const oversight = (a: Account) => a.roles.includes('admin') || a.roles.includes('auditor');
const ownerOf = (s: Subject) => w.byName[s.owner]!;
const isOwner = (a: Account, s: Subject) => a.username === s.owner || (a.idNumber != null && a.idNumber === ownerOf(s).idNumber);

/** The policy: who may see a subject. */
const maySee = (a: Account, s: Subject) => isOwner(a, s) || oversight(a) || (staff(a) && a.orgCode != null && s.involvedOrgs.includes(a.orgCode));
/** The policy: who decides a task (never a task about oneself). */
function mayDecide(a: Account, t: Task, s: Subject): boolean {
  const rule = TASK_KIND_RULES[t.kind]!;
  return a.roles.includes(rule.role) && a.orgCode === s.orgs[rule.role] && !isOwner(a, s);
}

async function allTasks(): Promise<{ task: Task; subject: Subject }[]> {
  const ids = w.subjects.map((s) => s.id);
  const rows = await w.tdb.db.selectFrom('task').selectAll().where('subject_id', 'in', ids).orderBy('id').execute();
  return rows.map((task) => ({ task, subject: w.subjects.find((s) => s.id === task.subject_id)! }));
}

const routeKey = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
function uniqueRoutes() {
  const seen = new Map<string, (typeof declaredRoutes)[number]>();
  for (const r of declaredRoutes) seen.set(routeKey(r), r);
  return [...seen.values()];
}

test('coverage: every declared route and every task kind has a row in the matrix', async () => {
  const routes = uniqueRoutes().map(routeKey);
  expect(routes.length).toBeGreaterThan(10);
  expect(routes.filter((r) => !(r in ROUTE_CASES))).toEqual([]);
  const kinds = [...new Set((await allTasks()).map((t) => t.task.kind))].sort();
  expect(kinds).toEqual(expect.arrayContaining(['bureau_review', 'objection_investigation', 'rereview', 'unit_recommendation', 'unit_verification']));
  expect(kinds.filter((k) => !(k in TASK_KIND_RULES))).toEqual([]);
  // every task kind is exercised open, and the fixture also holds a decided and a paused task
  const states = new Set((await allTasks()).map((t) => t.task.state));
  expect([...states].sort()).toEqual(['done', 'open', 'paused']);
});

/**
 * 三员分立 (issue 19): which administrator may use each administration route, written out independently of the
 * routes. The system administrator (admin) administers no account, lock or audit trail; the security administrator
 * (security_admin) the accounts and locks; the audit administrator (auditor) alone reads the audit trails.
 */
const DUTIES: Record<string, string[]> = {
  'POST /api/v1/admin/users': ['security_admin'],
  'GET /api/v1/admin/users': ['security_admin', 'auditor'],
  'PATCH /api/v1/admin/users/:username': ['security_admin'],
  'POST /api/v1/admin/users/:username/reset-password': ['security_admin'],
  'GET /api/v1/admin/lockouts': ['security_admin', 'auditor'],
  'POST /api/v1/admin/lockouts/:username/unlock': ['security_admin'],
  'GET /api/v1/admin/audit': ['auditor'],
  'GET /api/v1/materials/audit': ['auditor'],
  'POST /api/v1/admin/identity-disputes/:id/resolve': ['bureau_reviewer', 'security_admin'],
};

test('三员分立: the administration routes let in exactly the administrator whose duty they are', async () => {
  const admins = w.accounts.filter((a) => a.roles.some((r) => ['admin', 'security_admin', 'auditor'].includes(r)));
  expect(admins.map((a) => a.roles.join('+')).sort()).toEqual(['admin', 'auditor', 'security_admin']);
  for (const [key, roles] of Object.entries(DUTIES)) {
    const r = uniqueRoutes().find((x) => routeKey(x) === key)!;
    expect({ key, roles: [...(r.access as { roles: string[] }).roles].sort() }).toEqual({ key, roles: [...roles].sort() });
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, 'matrix-probe');
    for (const a of admins) {
      const req = request(w.app)[r.method](path).set(auth(a.token));
      const res = await (r.method === 'get' ? req : req.send({}));
      const allowed = a.roles.some((x) => roles.includes(x));
      expect({ cell: `${a.username} ${key}`, forbidden: res.status === 403 }).toEqual({ cell: `${a.username} ${key}`, forbidden: !allowed });
    }
  }
});

test('role level: every route refuses the anonymous and every role it does not name', async () => {
  for (const r of uniqueRoutes()) {
    if ('public' in r.access) continue;
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, 'matrix-probe');
    const send = (token?: string) => {
      let req = request(w.app)[r.method](path);
      if (token) req = req.set(auth(token));
      return r.method === 'get' ? req : req.send({});
    };
    const anon = await send();
    record(`anonymous ${routeKey(r)}`, 'deny', anon);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    const forged = await send(`${w.byName.admin!.token.slice(0, -4)}AAAA`);
    record(`forged token ${routeKey(r)}`, 'deny', forged);
    expect(forged.status).toBe(401);
    const roles = r.access.roles;
    if (roles === 'any') continue;
    await inBatches(
      w.accounts.filter((a) => !a.roles.some((x) => (roles as readonly string[]).includes(x))),
      async (a) => {
        const res = await send(a.token);
        record(`${a.username} ${routeKey(r)}`, 'deny', res);
        expect({ cell: `${a.username} ${routeKey(r)}`, code: res.body.code }).toEqual({ cell: `${a.username} ${routeKey(r)}`, code: 'FORBIDDEN' });
      },
    );
  }
  assertNoMismatch('role level');
});

test('subject view (claims, title applications): the applicant their own, staff of the organisations involved, oversight roles; by id and by application number', async () => {
  const probes = w.accounts.flatMap((a) => w.subjects.flatMap((s) => [s.viewPath, s.viewPath.replace(s.id, s.ref)].map((p) => ({ a, s, p }))));
  await inBatches(probes, async ({ a, s, p }) => {
    const res = await request(w.app).get(p).set(auth(a.token));
    record(`${a.username} GET ${p} (owner ${s.owner})`, maySee(a, s) ? 'allow' : 'deny', res);
    // a refusal does not tell a stranger that the claim exists
    if (!maySee(a, s)) expect(res.status).toBe(404);
  });
  assertNoMismatch('subject view');
});

test('claim list: nobody is shown a claim they may not see, everybody every claim they may', async () => {
  await inBatches(w.accounts, async (a) => {
    const res = await request(w.app).get('/api/v1/nanxun/claims?limit=200').set(auth(a.token));
    expect(res.status).toBe(200);
    const listed = new Set(res.body.map((c: { id: string }) => c.id));
    for (const s of w.subjects.filter((x) => x.type === 'nanxun_claim')) {
      cells++;
      const expected = maySee(a, s);
      if (listed.has(s.id) !== expected)
        mismatches.push({ cell: `${a.username} list ∋ ${s.ref}`, expected: expected ? 'allow' : 'deny', actual: expected ? 'deny' : 'allow', status: 200 });
    }
  });
  assertNoMismatch('claim list');
});

test('title application list: nobody is shown an application they may not see, everybody every application they may', async () => {
  const apps = w.subjects.filter((x) => x.type === 'title_application');
  expect(apps.length).toBeGreaterThanOrEqual(2);
  await inBatches(w.accounts, async (a) => {
    const res = await request(w.app).get('/api/v1/zhejiang/applications').set(auth(a.token));
    expect(res.status).toBe(200);
    const listed = new Set(res.body.map((c: { id: string }) => c.id));
    for (const s of apps) {
      cells++;
      const expected = maySee(a, s);
      if (listed.has(s.id) !== expected)
        mismatches.push({
          cell: `${a.username} title list ∋ ${s.ref}`,
          expected: expected ? 'allow' : 'deny',
          actual: expected ? 'deny' : 'allow',
          status: 200,
        });
    }
  });
  assertNoMismatch('title application list');
});

test('title application submission: always for your own identity', async () => {
  const session = await w.tdb.db.selectFrom('zj_session').select('id').executeTakeFirstOrThrow();
  const applicants = w.accounts.filter((a) => a.roles.includes('applicant'));
  const people = await w.tdb.db
    .selectFrom('app_user')
    .select(['username', 'display_name', 'id_number', 'phone'])
    .where(
      'username',
      'in',
      applicants.map((a) => a.username),
    )
    .execute();
  const before = await w.tdb.db.selectFrom('zj_application').select('id').execute();
  for (const a of applicants) {
    for (const p of people.filter((x) => x.username !== a.username)) {
      const res = await request(w.app)
        .post('/api/v1/zhejiang/applications')
        .set(auth(a.token))
        .send({
          sessionId: session.id,
          category: 'safety_science',
          channel: 'standard',
          employerOrgCode: 'NX-E-JGJX',
          commitment: true,
          applicant: { name: p.display_name, idNumber: p.id_number, phone: p.phone ?? '13800000000' },
        });
      record(`${a.username} applies for a title as ${p.username}`, 'deny', res);
      expect(res.body.code).toBe('IDENTITY_MISMATCH');
    }
  }
  expect(await w.tdb.db.selectFrom('zj_application').select('id').execute()).toHaveLength(before.length);
  assertNoMismatch('title application submission');
});

test('fund report: the district bureau and oversight roles see every re-reviewing body, a re-reviewer only their own', async () => {
  const bodies = (await w.tdb.db.selectFrom('org').select('code').where('type', 'in', ['town', 'regulator']).execute()).map((o) => o.code);
  expect(bodies.length).toBeGreaterThan(1);
  const readers = w.accounts.filter((a) => a.roles.some((r) => ['admin', 'auditor', 'bureau_reviewer', 'rereviewer'].includes(r)));
  await inBatches(readers, async (a) => {
    const res = await request(w.app).get('/api/v1/nanxun/funds/report').set(auth(a.token));
    expect(res.status).toBe(200);
    const listed = new Set(res.body.map((r: { orgCode: string }) => r.orgCode));
    const districtWide = oversight(a) || a.roles.includes('bureau_reviewer');
    for (const code of bodies) {
      cells++;
      const expected = districtWide || a.orgCode === code;
      if (listed.has(code) !== expected)
        mismatches.push({
          cell: `${a.username} fund report ∋ ${code}`,
          expected: expected ? 'allow' : 'deny',
          actual: expected ? 'deny' : 'allow',
          status: 200,
        });
    }
  });
  assertNoMismatch('fund report');
});

test('task inbox: only your organisation’s tasks of your role, never one about yourself', async () => {
  const tasks = await allTasks();
  await inBatches(w.accounts, async (a) => {
    const res = await request(w.app).get('/api/v1/tasks?state=all&limit=200').set(auth(a.token));
    expect(res.status).toBe(200);
    const listed = new Set(res.body.map((t: { id: string }) => t.id));
    for (const { task, subject } of tasks) {
      cells++;
      const expected = mayDecide(a, task, subject);
      if (listed.has(task.id) !== expected)
        mismatches.push({ cell: `${a.username} inbox ∋ ${task.id}`, expected: expected ? 'allow' : 'deny', actual: expected ? 'deny' : 'allow', status: 200 });
    }
  });
  assertNoMismatch('task inbox');
});

test('task view and decision: every account × every task of every kind and state; state unchanged by the probes', async () => {
  const tasks = await allTasks();
  for (const { task, subject } of tasks) {
    // the workflow put each task where the policy says
    const rule = TASK_KIND_RULES[task.kind]!;
    expect({ id: task.id, role: task.role, org: task.org_code }).toEqual({ id: task.id, role: rule.role, org: subject.orgs[rule.role] });
  }
  const before = tasks.map(({ task }) => [task.id, task.state, task.decision]);
  const probes = w.accounts.flatMap((a) => tasks.map((t) => ({ a, ...t })));
  await inBatches(probes, async ({ a, task, subject }) => {
    const view = await request(w.app)
      .get(`/api/v1/tasks/${encodeURIComponent(task.id)}`)
      .set(auth(a.token));
    record(`${a.username} GET task ${task.id}`, mayDecide(a, task, subject) || oversight(a) ? 'allow' : 'deny', view);
    // a probe decision that passes authorisation is refused by the workflow's kind check (reject needs a comment),
    // so it changes nothing; one that does not pass must be refused before that
    const decide = await request(w.app)
      .post(`/api/v1/tasks/${encodeURIComponent(task.id)}/decision`)
      .set(auth(a.token))
      .send({ decision: 'reject' });
    const cell = `${a.username} POST decision ${task.id} (${task.state})`;
    record(cell, mayDecide(a, task, subject) ? 'allow' : 'deny', decide);
    if (mayDecide(a, task, subject)) {
      const code = { open: 'INVALID_DECISION', done: 'TASK_ALREADY_DECIDED', cancelled: 'TASK_ALREADY_DECIDED', paused: 'TASK_PAUSED' }[task.state];
      expect({ cell, code: decide.body.code }).toEqual({ cell, code });
    }
  });
  assertNoMismatch('task view and decision');
  const after = (await allTasks()).map(({ task }) => [task.id, task.state, task.decision]);
  expect(after).toEqual(before);
});

test('supplementary materials: only the applicant whose claim it is', async () => {
  const paused = await w.tdb.db.selectFrom('task').selectAll().where('state', '=', 'paused').executeTakeFirstOrThrow();
  // supplementary materials exist for Nanxun claims only (the title review has no supplement step)
  const probes = w.accounts.flatMap((a) => w.subjects.filter((s) => s.type === 'nanxun_claim').map((s) => ({ a, s })));
  // the owner of the paused claim goes last: their supplement resumes the task
  const last = probes.filter(({ a, s }) => s.id === paused.subject_id && isOwner(a, s));
  await inBatches(
    probes.filter((p) => !last.includes(p)),
    async ({ a, s }) => {
      const res = await request(w.app).post(`${s.viewPath}/supplement`).set(auth(a.token)).send({ comment: 'probe' });
      record(`${a.username} supplement ${s.ref} (owner ${s.owner})`, isOwner(a, s) ? 'allow' : 'deny', res);
      if (isOwner(a, s)) expect(res.body.code).toBe('TASK_NOT_PAUSED');
    },
  );
  expect((await w.tdb.db.selectFrom('task').select('state').where('id', '=', paused.id).executeTakeFirstOrThrow()).state).toBe('paused');
  for (const { a, s } of last) {
    const res = await request(w.app).post(`${s.viewPath}/supplement`).set(auth(a.token)).send({ comment: '已补充劳动合同' });
    record(`${a.username} supplement ${s.ref} (own, paused)`, 'allow', res);
    expect(res.status).toBe(200);
  }
  assertNoMismatch('supplement');
});

test('material download: the uploader, and the clerks whose task concerns the claim or application; 404 to anyone else; removal only by the uploader, never once attached', async () => {
  const tasks = await allTasks();
  const materials = await w.tdb.db
    .selectFrom('material')
    .selectAll()
    .where(
      'subject_id',
      'in',
      w.subjects.map((s) => s.id),
    )
    .execute();
  expect(new Set(materials.map((m) => m.subject_id)).size).toBe(w.subjects.length);
  const hasTask = (a: Account, s: Subject) => tasks.some((t) => t.subject.id === s.id && mayDecide(a, t.task, s));
  const probes = w.accounts.flatMap((a) => materials.map((m) => ({ a, m, s: w.subjects.find((x) => x.id === m.subject_id)! })));
  await inBatches(probes, async ({ a, m, s }) => {
    const res = await request(w.app).get(`/api/v1/materials/${m.id}`).set(auth(a.token));
    const expected = a.username === s.owner || hasTask(a, s);
    record(`${a.username} GET material ${m.kind} of ${s.ref} (owner ${s.owner})`, expected ? 'allow' : 'deny', res);
    if (!expected) expect(res.status).toBe(404);
    const del = await request(w.app).delete(`/api/v1/materials/${m.id}`).set(auth(a.token));
    record(`${a.username} DELETE material ${m.kind} of ${s.ref}`, a.username === s.owner ? 'allow' : 'deny', del);
    if (a.username === s.owner) expect(del.body.code).toBe('MATERIAL_UNAVAILABLE');
  });
  expect(
    await w.tdb.db
      .selectFrom('material')
      .select('id')
      .where(
        'subject_id',
        'in',
        w.subjects.map((s) => s.id),
      )
      .execute(),
  ).toHaveLength(materials.length);
  assertNoMismatch('material download');
});

test('rating: only the applicant whose claim or application it is (none has ended: 422 NOT_ENDED for them, 404 to anyone else)', async () => {
  const probes = w.accounts.filter((a) => a.roles.includes('applicant')).flatMap((a) => w.subjects.map((s) => ({ a, s })));
  await inBatches(probes, async ({ a, s }) => {
    const res = await request(w.app)
      .post('/api/v1/ratings')
      .set(auth(a.token))
      .send({ subject: { type: s.type, id: s.id }, score: 5 });
    record(`${a.username} rates ${s.ref} (owner ${s.owner})`, isOwner(a, s) ? 'allow' : 'deny', res);
    expect(res.body.code).toBe(isOwner(a, s) ? 'NOT_ENDED' : 'NOT_FOUND');
    const mine = await request(w.app).get(`/api/v1/ratings/${s.type}/${s.id}`).set(auth(a.token));
    expect(mine.status).toBe(404);
  });
  expect(await w.tdb.db.selectFrom('rating').select('id').execute()).toHaveLength(0);
  assertNoMismatch('rating');
});

test('claim submission: always for your own identity', async () => {
  const applicants = w.accounts.filter((a) => a.roles.includes('applicant'));
  const people = await w.tdb.db
    .selectFrom('app_user')
    .select(['username', 'display_name', 'id_number', 'phone'])
    .where(
      'username',
      'in',
      applicants.map((a) => a.username),
    )
    .execute();
  const before = await w.tdb.db.selectFrom('claim').select('id').execute();
  for (const a of applicants) {
    for (const p of people.filter((x) => x.username !== a.username)) {
      const res = await request(w.app)
        .post('/api/v1/nanxun/claims')
        .set(auth(a.token))
        .send({ ...certificateClaimBody('junior'), applicant: { name: p.display_name, idNumber: p.id_number, phone: p.phone ?? '13800000000' } });
      record(`${a.username} submits as ${p.username}`, 'deny', res);
      expect(res.body.code).toBe('IDENTITY_MISMATCH');
    }
  }
  expect(await w.tdb.db.selectFrom('claim').select('id').execute()).toHaveLength(before.length);
  assertNoMismatch('claim submission');
});

test('public progress: the application number with another person’s ID digits shows nothing', async () => {
  for (const s of w.subjects) {
    for (const a of w.accounts.filter((x) => x.idNumber)) {
      const res = await request(w.app)
        .get('/api/v1/public/progress')
        .set('X-Forwarded-For', `10.9.${cells % 250}.${(cells >> 8) % 250}`)
        .query({ applicationNo: s.ref, idLast6: a.idNumber!.slice(-6) });
      const own = a.idNumber!.slice(-6) === ownerOf(s).idNumber!.slice(-6);
      record(`progress ${s.ref} with ${a.username}'s digits`, own ? 'allow' : 'deny', res);
    }
  }
  assertNoMismatch('public progress');
});

test('who am I: each token shows its own account only', async () => {
  await inBatches(w.accounts, async (a) => {
    const res = await request(w.app).get('/api/v1/auth/me').set(auth(a.token));
    cells++;
    expect({ who: a.username, got: res.body.username }).toEqual({ who: a.username, got: a.username });
  });
});

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`authorisation matrix: ${cells} cells checked across ${w?.accounts.length} accounts, ${w?.subjects.length} subjects`);
});
