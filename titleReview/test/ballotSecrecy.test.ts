/**
 * The secret ballot against someone who reads the database's pages (pageinspect: dead row versions included, as in
 * the heap files, WAL, replicas and backups). First the attack of issue 12 is reproduced on the old way of writing
 * ballots (one transaction marks the voter and rewrites the whole box): it rebuilds every expert's vote from the
 * transaction ids. Then the same attack on ballots cast through the API: it gets nothing — papers are sealed, fixed
 * size, written in another transaction than the voter; the private key is never in the database in clear and is
 * erased at the count. A failure between the paper and the voter marking loses nothing and counts nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Client } from '@temporalio/client';
import type { Express } from 'express';
import { freshDatabase, type TestDb } from '../../test/helpers/db';
import { testApp } from '../../test/helpers/app';
import { client, expectProblem, tokenFor } from '../../test/helpers/titleReview';
import type { Database } from '../../db/schema';
import { createTitleReviewActivities } from '../activities';
import { ballotKeyring, keyring } from '../../platform/crypto/keys';
import { open } from '../../platform/crypto/sm4';

let tdb: TestDb;
let app: Express;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  tdb = await freshDatabase();
  app = testApp(tdb.db, new Client(), 'unused'); // casting a ballot never calls Temporal
  api = client(app);
  await sql`create extension if not exists pageinspect`.execute(tdb.db);
  // the attacker's best case: no vacuum ever removes an old row version
  for (const t of ['ballot_vote', 'ballot_voter', 'ballot_paper', 'ballot_key', 'ballot_private_key'])
    await sql`alter table ${sql.table(t)} set (autovacuum_enabled = false)`.execute(tdb.db);
});
afterAll(async () => {
  await tdb?.drop();
});

const EXPERTS = ['EXP-S-001', 'EXP-S-002', 'EXP-S-003', 'EXP-S-004', 'EXP-S-005'];
type V = 'yes' | 'no' | 'abstain';
/** five experts, three applicants, every ballot different */
const BALLOTS: V[][] = [
  ['yes', 'yes', 'no'],
  ['no', 'yes', 'abstain'],
  ['yes', 'no', 'no'],
  ['abstain', 'yes', 'yes'],
  ['no', 'no', 'yes'],
];

/** A session with an open ballot, five present members and three applicants (rows as the workflow leaves them). */
async function openSession(db: Kysely<Database>, year: number): Promise<{ sessionId: string; apps: string[] }> {
  const sessionId = `ZJS-T-${year}`;
  const now = new Date().toISOString();
  await db
    .insertInto('zj_session')
    .values({
      id: sessionId,
      year,
      level: 'senior',
      meeting_date: `${year}-11-20`,
      status: 'balloting',
      workflow_id: `wf-${sessionId}`,
      plan: null,
      ballot_opened_at: now,
      ballot_closed_at: null,
      attending: 5,
      results: null,
      created_by: 'test',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('zj_committee_member')
    .values(
      EXPERTS.map((e, i) => ({
        session_id: sessionId,
        expert_id: e,
        subgroup: 'production_management',
        role: i === 0 ? ('chair' as const) : ('member' as const),
        present: true,
      })),
    )
    .execute();
  const apps: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = `ZJA-T-${year}-${i}`;
    apps.push(id);
    await db
      .insertInto('zj_application')
      .values({
        id,
        application_no: `T${year}${i}`,
        session_id: sessionId,
        level: 'senior',
        category: 'production_management',
        channel: 'standard',
        workflow_id: `wf-${id}`,
        applicant_user_id: null,
        applicant_name: `申报人${i}`,
        applicant_id_number: `330102198001011${String(year).slice(-2)}${i}`,
        applicant_phone: '13700000000',
        employer_org_code: 'NX-E-JGJX',
        competent_org_code: 'HZ-YJJ',
        lower_committee_org_code: null,
        materials: '{}',
        commitment_at: now,
        status: 'balloting',
        stage: 'meeting',
        interview: null,
        result: null,
        submitted_at: now,
        updated_at: now,
        closed_at: null,
        close_reason: null,
      })
      .execute();
  }
  return { sessionId, apps: apps.sort() };
}

/** Every row version of a table, dead or alive, as the heap pages hold it. */
async function heap(table: string): Promise<{ xmin: string; attrs: Buffer[]; raw: Buffer }[]> {
  const r = await sql<{ t_xmin: string; t_attrs: Buffer[] | null; t_data: Buffer | null }>`
    select t_xmin::text, t_data, tuple_data_split(${table}::regclass::oid, t_data, t_infomask, t_infomask2, t_bits) as t_attrs
      from generate_series(0, greatest(pg_relation_size(${table}::regclass) / current_setting('block_size')::int - 1, -1)) as b(n),
           lateral heap_page_items(get_raw_page(${table}, b.n::int))
     where t_data is not null`.execute(tdb.db);
  return r.rows.map((x) => ({ xmin: x.t_xmin, attrs: (x.t_attrs ?? []).map((a) => Buffer.from(a ?? [])), raw: Buffer.from(x.t_data ?? []) }));
}
/** a text attribute as stored (short or long varlena header) */
const text = (b: Buffer) => (b.length && (b[0]! & 1) === 1 ? b.subarray(1).toString('utf8') : b.subarray(4).toString('utf8'));

/**
 * The attack: pair each voter row with the ballot rows its transaction wrote (same xmin). When a transaction
 * rewrote the whole box, the voter's ballot is that box minus the previous one. Returns expert → votes rebuilt.
 */
async function pageAttack(sessionId: string, apps: string[]): Promise<Map<string, string[]>> {
  const voters = (await heap('ballot_voter')).filter((t) => text(t.attrs[0]!) === sessionId).map((t) => ({ xmin: t.xmin, expert: text(t.attrs[1]!) }));
  const rows: { xmin: string; app: string; vote: string }[] = [];
  for (const t of await heap('ballot_vote')) if (text(t.attrs[1]!) === sessionId) rows.push({ xmin: t.xmin, app: text(t.attrs[2]!), vote: text(t.attrs[3]!) });
  // anything else in a ballot table written by the voter's transaction, readable as votes
  for (const t of await heap('ballot_paper')) {
    const s = t.raw.toString('latin1');
    for (const a of apps) if (s.includes(a)) rows.push({ xmin: t.xmin, app: a, vote: /yes|no|abstain/.exec(s)?.[0] ?? '?' });
  }
  const out = new Map<string, string[]>();
  let previous: string[] = [];
  for (const v of voters.sort((a, b) => Number(a.xmin) - Number(b.xmin))) {
    const box = rows.filter((r) => r.xmin === v.xmin).map((r) => `${r.app}=${r.vote}`);
    if (!box.length) continue;
    const rest = [...box];
    for (const p of previous) rest.splice(rest.indexOf(p), rest.indexOf(p) >= 0 ? 1 : 0);
    previous = box;
    out.set(
      v.expert,
      rest.sort().map((x) => x.split('=')[1]!),
    );
  }
  return out;
}

const token = (expertId: string) => tokenFor(tdb.db, `expert${expertId.slice(-2)}`);

test('the page-level attack rebuilds every vote of the old ballot box (the control)', async () => {
  const { sessionId, apps } = await openSession(tdb.db, 2091);
  // the old route, as it was: one transaction marks the voter and rewrites the box in random order
  for (let i = 0; i < EXPERTS.length; i++) {
    await tdb.db.transaction().execute(async (trx) => {
      await trx.insertInto('ballot_voter').values({ session_id: sessionId, expert_id: EXPERTS[i]!, token_hash: null }).execute();
      const box = await trx.deleteFrom('ballot_vote').where('session_id', '=', sessionId).returning(['application_id', 'vote']).execute();
      const all = [...box, ...apps.map((a, j) => ({ application_id: a, vote: BALLOTS[i]![j]! }))].sort(() => Math.random() - 0.5);
      await trx
        .insertInto('ballot_vote')
        .values(all.map((v) => ({ session_id: sessionId, application_id: v.application_id, vote: v.vote })))
        .execute();
    });
  }
  const rebuilt = await pageAttack(sessionId, apps);
  expect(rebuilt.size).toBe(5);
  for (let i = 0; i < EXPERTS.length; i++) expect(rebuilt.get(EXPERTS[i]!)).toEqual(BALLOTS[i]);
});

test('ballots cast through the API: the attack gets nothing, the key is never in the database, the count is right', async () => {
  const { sessionId, apps } = await openSession(tdb.db, 2092);
  const votes = (i: number) => apps.map((a, j) => ({ applicationId: a, vote: BALLOTS[i]![j]! }));

  // expert 5's first attempt fails after its paper committed and before it was marked as having voted
  await sql`create function fail_once() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`.execute(tdb.db);
  await sql`create trigger fail_once before insert on ballot_voter for each row execute function fail_once()`.execute(tdb.db);
  const failed = await api.post(`/api/v1/zhejiang/sessions/${sessionId}/ballots`, await token(EXPERTS[4]!), {
    votes: apps.map((a) => ({ applicationId: a, vote: 'yes' })),
  });
  expect(failed.status).toBe(500);
  await sql`drop trigger fail_once on ballot_voter`.execute(tdb.db);
  expect(await tdb.db.selectFrom('ballot_paper').select('id').where('session_id', '=', sessionId).execute()).toHaveLength(1);
  expect(await tdb.db.selectFrom('ballot_voter').select('expert_id').where('session_id', '=', sessionId).execute()).toHaveLength(0);

  for (let i = 0; i < EXPERTS.length; i++) {
    const r = await api.post(`/api/v1/zhejiang/sessions/${sessionId}/ballots`, await token(EXPERTS[i]!), { votes: votes(i) });
    expect({ status: r.status, body: r.body }).toEqual({ status: 201, body: { recorded: true, votes: 3 } });
  }
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${sessionId}/ballots`, await token(EXPERTS[0]!), { votes: votes(0) }), 409, 'ALREADY_VOTED');

  // the attack of issue 12 rebuilds nothing
  expect((await pageAttack(sessionId, apps)).size).toBe(0);
  const papers = (await heap('ballot_paper')).filter((t) => t.raw.toString('latin1').includes(sessionId));
  const voters = (await heap('ballot_voter')).filter((t) => text(t.attrs[0]!) === sessionId);
  expect(papers).toHaveLength(6); // five counted, one orphan of the failed attempt
  expect(voters).toHaveLength(5);
  // no paper was written by a voter's transaction; all papers are the same size; none shows an applicant or a vote
  const voterXids = new Set(voters.map((v) => v.xmin));
  expect(papers.filter((p) => voterXids.has(p.xmin))).toEqual([]);
  expect(new Set(papers.map((p) => p.attrs[2]!.length)).size).toBe(1);
  for (const p of papers) for (const needle of [...apps, 'yes', 'abstain', '"n"', '"y"']) expect(p.raw.includes(Buffer.from(needle))).toBe(false);
  // the voter row carries a hash that only the sealed paper's contents can be matched to
  for (const v of voters) expect(v.attrs[2]!.length).toBeGreaterThan(32);

  // the private key: sealed with a key of the BALLOT key set, kept outside the database and apart from the PII key
  // set the API and worker operators hold; its clear bytes are on no page of the database
  const k = await tdb.db.selectFrom('ballot_private_key').selectAll().where('session_id', '=', sessionId).executeTakeFirstOrThrow();
  expect(() => keyring().get('ballot', k.kek_id)).toThrow();
  const privateKey = open(ballotKeyring().get('ballot', k.kek_id), k.sealed, `ballot_key:${sessionId}:${k.kek_id}`);
  expect(privateKey).toHaveLength(32);
  const everyPage = await allPages();
  expect(everyPage.includes(privateKey)).toBe(false);
  expect(everyPage.includes(k.sealed)).toBe(true);

  // the count: the failed attempt's paper is not counted, each of the five once
  const acts = createTitleReviewActivities(tdb.db);
  const results = await acts.zjCloseBallot({
    sessionId,
    applicationIds: apps,
    attending: 5,
    closedBy: 'expert01',
    at: new Date().toISOString(),
    eventKey: `close-${sessionId}`,
  });
  const want = apps.map((a, j) => ({
    applicationId: a,
    yes: BALLOTS.filter((b) => b[j] === 'yes').length,
    no: BALLOTS.filter((b) => b[j] === 'no').length,
    abstain: BALLOTS.filter((b) => b[j] === 'abstain').length,
  }));
  for (const w of want) expect(results.find((r) => r.applicationId === w.applicationId)).toMatchObject(w);
  // after the count the wrapped key is gone — from every page of the database, no dead row version left (autovacuum
  // is off: the close itself erased it); a retry gives the recorded totals; voting is refused
  expect(await tdb.db.selectFrom('ballot_private_key').selectAll().where('session_id', '=', sessionId).execute()).toEqual([]);
  expect((await allPages()).includes(k.sealed)).toBe(false);
  expect(
    await acts.zjCloseBallot({
      sessionId,
      applicationIds: apps,
      attending: 5,
      closedBy: 'expert01',
      at: new Date().toISOString(),
      eventKey: `close-${sessionId}`,
    }),
  ).toEqual(results);
  expectProblem(await api.post(`/api/v1/zhejiang/sessions/${sessionId}/ballots`, await token(EXPERTS[1]!), { votes: votes(1) }), 409, 'BALLOT_CLOSED');
  // and the attack after the close still gets nothing
  expect((await pageAttack(sessionId, apps)).size).toBe(0);
  // papers are append-only
  await expect(sql`delete from ballot_paper where session_id = ${sessionId}`.execute(tdb.db)).rejects.toThrow(/append-only/);
});

/** The raw pages of every table and index of the database (what its files, WAL images and backups hold). */
async function allPages(): Promise<Buffer> {
  const rels = await sql<{ oid: number; pages: number }>`
    select c.oid::int, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 't', 'i') and c.relam in (0, 2, 403) and pg_relation_size(c.oid) > 0`.execute(tdb.db);
  const out: Buffer[] = [];
  for (const r of rels.rows) {
    for (let i = 0; i < r.pages; i++) out.push((await sql<{ p: Buffer }>`select get_raw_page(${r.oid}::regclass::text, ${i}) as p`.execute(tdb.db)).rows[0]!.p);
  }
  return Buffer.concat(out);
}

test('a paper is the same size whoever votes and however', async () => {
  const { encodePaper } = await import('../ballotBox');
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  const a = encodePaper(
    Buffer.alloc(32, 1),
    ids.map((applicationId) => ({ applicationId, vote: 'yes' as const })),
  );
  const b = encodePaper(
    Buffer.alloc(32, 2),
    ids.map((applicationId) => ({ applicationId, vote: 'abstain' as const })),
  );
  expect(a.length).toBe(b.length);
});
