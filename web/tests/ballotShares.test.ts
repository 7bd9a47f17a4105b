/**
 * The ballot threshold option in the browser (issue 19), on the time-skipping harness: a senior session opened with
 * `ballotThreshold` reaches its open ballot over the API (test/helpers/thresholdBallot.ts) and every member votes;
 * then the chair and a vice-chair work on their own ballot pages: each collects their key share once (shown once,
 * then no longer offered), the chair presents theirs and the close is refused while one share is in, the vice-chair
 * types the chair's share by mistake (refused), then their own; the chair closes the ballot and the tallies show.
 */
import type { Express } from 'express';
import { openConfirmation, confirmDialog, screenshot } from './system';
import { useSkippingJourney } from './skippingSystem';
import { client, tokenFor } from '../../test/helpers/titleReview';
import { openThresholdBallot } from '../../test/helpers/thresholdBallot';

jest.setTimeout(600_000);

const { sys, person } = useSkippingJourney('zj-shares');
const db = () => sys().tdb.db;

async function usernameOf(expertId: string): Promise<string> {
  return (
    await db()
      .selectFrom('zj_expert')
      .innerJoin('app_user', 'app_user.id', 'zj_expert.user_id')
      .select('app_user.username')
      .where('zj_expert.id', '=', expertId)
      .executeTakeFirstOrThrow()
  ).username;
}

test('the chair and a vice-chair collect and present their key shares; the count waits for the second', async () => {
  const { S, A, members, chair, vices } = await openThresholdBallot(db(), sys().env, sys().base);
  const api = client(sys().base as unknown as Express);
  for (const m of members) {
    const r = await api.post(`/api/v1/zhejiang/sessions/${S}/ballots`, await tokenFor(db(), await usernameOf(m.expertId)), {
      votes: [{ applicationId: A.id, vote: 'yes' }],
    });
    expect(r.status).toBe(201);
  }
  const ballotUrl = `/zhejiang/ballots/${encodeURIComponent(S)}`;

  // ---- each holder collects their share, once ------------------------------------------------------------------
  const collect = async (expertId: string, shot: string) => {
    const page = await person(await usernameOf(expertId));
    await page.goto(ballotUrl);
    await page.getByTestId('ballot-shares-status').filter({ hasText: '已出示 0/2' }).waitFor();
    await openConfirmation(page, 'ballot-share-collect');
    await confirmDialog(page, '领取并显示');
    const value = ((await page.getByTestId('ballot-share-value').locator('code').textContent()) ?? '').trim();
    expect(value).toMatch(/^ZJBS1-[123]-[0-9a-f]{64}$/);
    await screenshot(page, shot);
    // shown once: after a reload the share is no longer offered
    await page.reload();
    await page.getByTestId('ballot-shares-status').waitFor();
    expect(await page.getByTestId('ballot-share-collect').count()).toBe(0);
    expect(await page.getByTestId('ballot-share-value').count()).toBe(0);
    return { page, value };
  };
  const chairSide = await collect(chair, 'zj-shares-01-chair-share-shown-once');
  const viceSide = await collect(vices[0]!, 'zj-shares-02-vice-chair-share');

  // ---- the chair presents; one share does not open the count ----------------------------------------------------
  const present = async (page: typeof chairSide.page, share: string) => {
    await page.getByTestId('ballot-share-input').fill(share);
    await page.getByTestId('ballot-share-present').click();
  };
  await present(chairSide.page, chairSide.value);
  await chairSide.page.getByTestId('ballot-share-presented').waitFor();
  await chairSide.page.getByTestId('ballot-shares-status').filter({ hasText: '已出示 1/2' }).waitFor();
  await openConfirmation(chairSide.page, 'close-ballot');
  await confirmDialog(chairSide.page, '结束投票');
  await chairSide.page.getByText('计票需主任委员、副主任委员中至少两人出示密钥份额').first().waitFor();
  expect(await chairSide.page.getByTestId('ballot-results').count()).toBe(0);
  await screenshot(chairSide.page, 'zj-shares-03-count-waits');

  // ---- the vice-chair types the wrong share, then their own -----------------------------------------------------
  await present(viceSide.page, chairSide.value);
  await viceSide.page.getByTestId('ballot-share-error').filter({ hasText: '密钥份额不正确' }).waitFor();
  await screenshot(viceSide.page, 'zj-shares-04-wrong-share');
  await present(viceSide.page, viceSide.value);
  await viceSide.page.getByTestId('ballot-share-presented').waitFor();
  await viceSide.page.getByTestId('ballot-shares-status').filter({ hasText: '已出示 2/2' }).waitFor();

  // ---- two shares: the chair closes, the tallies show ------------------------------------------------------------
  await chairSide.page.reload();
  await chairSide.page.getByTestId('ballot-shares-status').filter({ hasText: '已出示 2/2' }).waitFor();
  await openConfirmation(chairSide.page, 'close-ballot');
  await confirmDialog(chairSide.page, '结束投票');
  await chairSide.page.getByTestId('ballot-results').waitFor();
  await chairSide.page.getByTestId('ballot-results').getByText('17').first().waitFor();
  await screenshot(chairSide.page, 'zj-shares-05-counted');
  expect(await db().selectFrom('ballot_key_share').select('x').where('session_id', '=', S).execute()).toEqual([]);
});
