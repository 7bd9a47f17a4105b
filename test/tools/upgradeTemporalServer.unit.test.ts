/**
 * The engine upgrade walk's rules (tools/upgradeTemporalServer.ts, tools/temporalServerProcess.ts): one minor release
 * at a time along TEMPORAL_UPGRADE_PATH, never back, and a cluster's databases remember which release served them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UPGRADE_PATH } from '../../tools/temporalServer';
import { checkServerStep, minorOf, recordedServerVersion, VERSION_FILE } from '../../tools/temporalServerProcess';
import { upgradeStepsFrom } from '../../tools/upgradeTemporalServer';

test('the walk goes one minor release at a time from 1.29.1 to the pinned release', () => {
  expect(upgradeStepsFrom('1.29.1')).toEqual(['1.30.9', '1.31.2', '1.32.2']);
  const minors = TEMPORAL_UPGRADE_PATH.map(minorOf);
  for (let i = 1; i < minors.length; i++) expect(minors[i]).toBe(minors[i - 1]! + 1);
  // half-way (a walk stopped after a step) it goes on from there; on an older patch it first takes the path's patch
  expect(upgradeStepsFrom('1.31.2')).toEqual(['1.32.2']);
  expect(upgradeStepsFrom('1.30.4')).toEqual(['1.30.9', '1.31.2', '1.32.2']);
  expect(upgradeStepsFrom(TEMPORAL_SERVER_VERSION)).toEqual([]);
});

test('a start may not skip a minor release nor go back one', () => {
  expect(() => checkServerStep('1.29.1', '1.30.9')).not.toThrow();
  expect(() => checkServerStep('1.30.9', '1.30.9')).not.toThrow();
  expect(() => checkServerStep(null, TEMPORAL_SERVER_VERSION)).not.toThrow();
  expect(() => checkServerStep('1.29.1', '1.32.2')).toThrow(/one minor release at a time.*npm run upgrade:cluster/);
  expect(() => checkServerStep('1.32.2', '1.31.2')).toThrow(/downgrade/);
});

test('the release that served the databases is read from the data directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zj-tver-'));
  expect(recordedServerVersion(dir)).toBeNull();
  fs.writeFileSync(path.join(dir, VERSION_FILE), '1.30.9\n');
  expect(recordedServerVersion(dir)).toBe('1.30.9');
  fs.rmSync(dir, { recursive: true, force: true });
});
