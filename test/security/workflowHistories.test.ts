/**
 * What the workflow engine stores holds no ID number and no phone number (docs/security.md, "Temporal payloads").
 * After a claim is paid and a title application is under way — through the real API, worker and dev server —
 * every history, fetched with a plain client that has no codec (what anyone with the Temporal database, the Web UI
 * or the CLI sees), holds none; and even decoded (what an admin sees through the codec endpoint) the workflows
 * carry references, not the numbers: no applicant's ID number or phone in inputs, Updates or results, and never the
 * deciding clerk's ID number.
 */
import request from 'supertest';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { buildWorld, certificateClaimBody, decideAs, openTaskOf, type World } from './world';
import { auth } from '../helpers/app';
import { eventually } from '../helpers/temporal';
import { withClaimMaterials } from '../helpers/materials';
import { decodedHistory } from '../helpers/history';
import { isValidIdNumber } from '../../platform/identity/idNumber';

jest.setTimeout(240_000);

let w: World;
beforeAll(async () => {
  w = await buildWorld(); // claims at every stage, title applications, an objection (test/security/world.ts)
  // and a claim to payout
  const token = w.byName.applicant3!.token;
  const res = await request(w.app)
    .post('/api/v1/nanxun/claims')
    .set(auth(token))
    .send(await withClaimMaterials(w.app, token, certificateClaimBody('junior', 'NX-E-SLJS')));
  if (res.status !== 201) throw new Error(`claim: ${res.status} ${JSON.stringify(res.body)}`);
  const claimId = res.body.id as string;
  await decideAs(w, 'unit.sljs', (await openTaskOf(w, claimId, 'unit_verification')).id, { decision: 'approve' });
  await decideAs(w, 'bureau2', (await openTaskOf(w, claimId, 'bureau_review')).id, { decision: 'approve' });
  const rereview = await openTaskOf(w, claimId, 'rereview');
  const town = w.accounts.find((a) => a.roles.includes('rereviewer') && a.orgCode === rereview.org_code)!;
  await decideAs(w, town.username, rereview.id, { decision: 'approve' });
  await eventually(
    () => w.tdb.db.selectFrom('claim').select('status').where('id', '=', claimId).where('status', '=', 'paid').executeTakeFirst(),
    'the claim paid',
  );
});
afterAll(async () => {
  await w?.stop();
});

/** Every history of the namespace, as protobuf bytes read as Latin-1 (strings inside show as they are). */
async function allHistories(client: Client, decode: boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const wf of client.workflow.list()) {
    let h = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    if (decode) h = await decodedHistory(h);
    out.set(wf.workflowId, Buffer.from(temporal.api.history.v1.History.encode(h).finish()).toString('latin1'));
  }
  return out;
}

const ID_LIKE = /(?<![0-9A-Za-z-])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_LIKE = /(?<![0-9A-Za-z-])1[3-9]\d{9}(?![0-9A-Za-z])/g;

async function knownPersonalData(): Promise<string[]> {
  const users = await w.tdb.db.selectFrom('app_user').select(['id_number', 'phone']).execute();
  return users.flatMap((u) => [u.id_number, u.phone]).filter((v): v is string => !!v && v.length >= 11);
}

function findings(histories: Map<string, string>, known: string[]): string[] {
  const found: string[] = [];
  for (const [id, text] of histories) {
    for (const m of text.matchAll(ID_LIKE)) if (isValidIdNumber(m[0])) found.push(`${id}: ID number ${m[0]}`);
    for (const m of text.matchAll(MOBILE_LIKE)) found.push(`${id}: mobile ${m[0]}`);
    for (const k of known) if (text.includes(k)) found.push(`${id}: ${k}`);
  }
  return found;
}

test('histories fetched without the codec hold no ID number and no phone number', async () => {
  const plain = new Client({ connection: w.env.client.connection, namespace: w.env.namespace ?? 'default' });
  const histories = await allHistories(plain, false);
  expect(histories.size).toBeGreaterThanOrEqual(8);
  expect(findings(histories, await knownPersonalData())).toEqual([]);
});

test('decoded, the workflows carry references: no applicant ID number or phone, no clerk ID number', async () => {
  const histories = await allHistories(w.env.client, true);
  const all = [...histories.values()].join('\n');
  // decoding works: the decisions and the claim are there
  expect(all).toContain('"decision":"approve"');
  expect(all).toContain('"applicationNo":"NX-ZS-');
  expect(findings(histories, await knownPersonalData())).toEqual([]);
});
