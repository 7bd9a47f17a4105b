/**
 * An API process that submits one claim through the real use case (nanxun/submitClaim.ts) and is killed with
 * SIGKILL at a chosen point (run with `node --import tsx`). Env: TEMPORAL_ADDRESS, DATABASE_URL, TASK_QUEUE,
 * USERNAME (the applicant), BODY (the claim, JSON), DIE_AT (`after_workflow_start`).
 */
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../../db/connection';
import { submitClaim } from '../../nanxun/submitClaim';
import { actor } from '../helpers/claims';
import { dataConverter } from '../../platform/crypto/payloadCodec';

async function main() {
  const db = createDb(process.env.DATABASE_URL!);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const temporal = new Client({ connection, namespace: 'default', dataConverter: dataConverter() });
  const die = (workflowId: string) => {
    process.stdout.write(`STARTED ${workflowId}\n`);
    process.kill(process.pid, 'SIGKILL');
  };
  await submitClaim(
    { db, temporal, log: pino({ level: 'silent' }), config: { devMode: true, taskQueue: process.env.TASK_QUEUE! } },
    await actor(db, process.env.USERNAME!),
    JSON.parse(process.env.BODY!),
    process.env.DIE_AT === 'after_workflow_start' ? { afterWorkflowStart: die } : {},
  );
  process.stdout.write('ANSWERED\n');
  process.exit(0);
}
main().catch((err) => {
  process.stderr.write(`submitProcess failed: ${String(err)}\n`);
  process.exit(1);
});
