/**
 * After `npm run restore` (which leaves <data dir>/restored.json) the next start runs the reconciliation before
 * anything else is asked of the workflows; the marker is then renamed so it runs once.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { RESTORED_MARKER } from './backup/locations';
import { startReconciliation } from '../platform/reconciliation/startReconciliation';

export async function reconcileIfRestored(temporal: Client, dataDir: string, taskQueue: string, say: (m: string) => void): Promise<string | null> {
  const marker = path.join(dataDir, RESTORED_MARKER);
  if (!fs.existsSync(marker)) return null;
  const handle = await startReconciliation(temporal, taskQueue, { reason: `after restore (${fs.readFileSync(marker, 'utf8').replace(/\s+/g, ' ').trim()})` });
  fs.renameSync(marker, path.join(dataDir, `reconciled-${handle.workflowId}.json`));
  say(`restored data: reconciliation ${handle.workflowId} started (npm run reconcile, or GET /api/v1/admin/reconciliations/${handle.workflowId})`);
  return handle.workflowId;
}
