/**
 * `npm run reconcile`: starts a reconciliation of the projection with the workflows and waits for its report
 * (TEMPORAL_ADDRESS, default 127.0.0.1:7233; TASK_QUEUE; DATABASE_URL for the findings). Exit 0 when nothing needs a
 * person, 3 when something does (the findings are printed), 1 on failure.
 */
import { Client, Connection } from '@temporalio/client';
import { readConfig } from './config';
import { createDb } from '../db/connection';
import { errorMessage } from './processSupport';
import { startReconciliation } from '../platform/reconciliation/startReconciliation';
import { findingsOf } from '../platform/reconciliation/repository';
import type { RunSummary } from '../platform/reconciliation/repository';
import { dataConverter } from '../platform/crypto/payloadCodec';

async function main(): Promise<number> {
  const cfg = readConfig();
  const address = cfg.temporalAddress ?? `127.0.0.1:${cfg.temporalPort}`;
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: cfg.namespace, dataConverter: dataConverter() });
    const handle = await startReconciliation(client, cfg.taskQueue, { reason: process.argv[2] ?? 'on demand (npm run reconcile)' });
    console.log(`[reconcile] run ${handle.workflowId} started; waiting for the worker…`);
    const run: RunSummary = await handle.result();
    console.log(
      `[reconcile] ${run.workflowsChecked} workflows checked, ${run.findings} findings, ${run.repaired} repaired, ${run.needsPerson} for a person to check`,
    );
    if (cfg.databaseUrl && run.findings > 0) {
      const db = createDb(cfg.databaseUrl, { max: 1 });
      try {
        for (const f of await findingsOf(db, run.id)) {
          console.log(`  ${f.needs_person ? 'CHECK ' : 'fixed '} ${f.kind} ${f.workflow_id} ${JSON.stringify(f.detail)}`);
        }
      } finally {
        await db.destroy();
      }
    }
    return run.needsPerson > 0 ? 3 : 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`reconcile failed: ${errorMessage(err)}`);
    process.exit(1);
  },
);
