/**
 * The bench's claim-read row: `GET /api/v1/nanxun/claims/:id` as the claim's applicant against a bare Express route
 * doing `select * from claim where id = $1` through the same pool, sequential requests after 50 warm-ups each,
 * the two routes alternating (one of each in turn, so a burst of foreign load falls on both alike).
 */
import http from 'node:http';
import express from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { freePort } from '../ports';
import { pct, round, timed } from './timing';

export async function claimReadRow(o: { db: Kysely<Database>; base: string; claimId: string; token: string; n: number }) {
  const bare = express();
  bare.get('/bare/claims/:id', async (req, res) => {
    res.json(await o.db.selectFrom('claim').selectAll().where('id', '=', req.params.id).executeTakeFirst());
  });
  const barePort = await freePort();
  const bareServer = http.createServer(bare);
  await new Promise<void>((r) => bareServer.listen(barePort, '127.0.0.1', () => r()));
  const stop = () =>
    new Promise<void>((r) => {
      bareServer.closeAllConnections();
      bareServer.close(() => r());
    });
  const auth = { authorization: `Bearer ${o.token}` };
  const readUrl = `${o.base}/api/v1/nanxun/claims/${o.claimId}`;
  const bareUrl = `http://127.0.0.1:${barePort}/bare/claims/${o.claimId}`;
  try {
    await timed(readUrl, auth, 50);
    await timed(bareUrl, {}, 50);
    const claimMs: number[] = [];
    const bareMs: number[] = [];
    for (let i = 0; i < o.n; i++) {
      claimMs.push(...(await timed(readUrl, auth, 1)));
      bareMs.push(...(await timed(bareUrl, {}, 1)));
    }
    const result = {
      claim: { p50: round(pct(claimMs, 50)), p99: round(pct(claimMs, 99)) },
      bare: { p50: round(pct(bareMs, 50)), p99: round(pct(bareMs, 99)) },
      ratioP50: round(pct(claimMs, 50) / pct(bareMs, 50)),
      ratioP99: round(pct(claimMs, 99) / pct(bareMs, 99)),
      requests: o.n,
    };
    return { result, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
