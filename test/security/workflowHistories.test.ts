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
import { buildWorld, certificateClaimBody, decideAs, openTaskOf, type World } from './world';
import { auth } from '../helpers/app';
import { eventually } from '../helpers/temporal';
import { withClaimMaterials } from '../helpers/materials';
import { allHistories, knownPersonalData, personalDataIn } from '../helpers/historyScan';

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

test('histories fetched without the codec hold no ID number and no phone number', async () => {
  const plain = new Client({ connection: w.env.client.connection, namespace: w.env.namespace ?? 'default' });
  const histories = await allHistories(plain, false);
  expect(histories.size).toBeGreaterThanOrEqual(8);
  expect(personalDataIn(histories, await knownPersonalData(w.tdb.db))).toEqual([]);
});

test('decoded, the workflows carry references: no applicant ID number or phone, no clerk ID number', async () => {
  const histories = await allHistories(w.env.client, true);
  const all = [...histories.values()].join('\n');
  // decoding works: the decisions and the claim are there
  expect(all).toContain('"decision":"approve"');
  expect(all).toContain('"applicationNo":"NX-ZS-');
  expect(personalDataIn(histories, await knownPersonalData(w.tdb.db))).toEqual([]);
});
