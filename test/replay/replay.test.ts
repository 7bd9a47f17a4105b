/**
 * Every recorded history (test/histories) replays against the current workflow code: a change that would
 * break a running workflow (they live for years) fails here. Record new histories with `npm run record-histories`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import * as workflows from '../../workflows';
import { dataConverter } from '../../platform/crypto/payloadCodec';

const dir = path.join(__dirname, '..', 'histories');
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.history.json'))
  .sort();

test('every workflow type has at least one recorded history', () => {
  for (const type of Object.keys(workflows)) {
    expect(files.filter((f) => f.startsWith(`${type}-`))).not.toHaveLength(0);
  }
});

test.each(files)('%s replays against the current code', async (file) => {
  const recorded = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { workflowId: string; historyProtobufBase64: string };
  const history = temporal.api.history.v1.History.decode(Buffer.from(recorded.historyProtobufBase64, 'base64'));
  expect(history.events.length).toBeGreaterThan(5);
  await Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! }, dataConverter: dataConverter() },
    history,
    recorded.workflowId,
  );
});
