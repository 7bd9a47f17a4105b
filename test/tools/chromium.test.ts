/**
 * The browser journeys find their Chromium the way the Temporal binaries are found (tools/chromium.ts):
 * CHROMIUM_PATH, then PATH, then apt-get as root, else an error that names the command to run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium, INSTALL_COMMAND } from '../../tools/chromium';

let dir: string;
const exe = (p: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(p, 0o755);
  return p;
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-finder-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('CHROMIUM_PATH comes first, and a wrong one is named', async () => {
  const mine = exe(path.join(dir, 'custom', 'my-chrome'));
  const onPath = exe(path.join(dir, 'bin', 'chromium'));
  await expect(findChromium({ env: { CHROMIUM_PATH: mine, PATH: path.dirname(onPath) }, isRoot: false })).resolves.toBe(mine);
  await expect(findChromium({ env: { CHROMIUM_PATH: path.join(dir, 'nope'), PATH: path.dirname(onPath) }, isRoot: false })).rejects.toThrow(
    `CHROMIUM_PATH=${path.join(dir, 'nope')}`,
  );
});

test('then chromium (or chromium-browser, google-chrome) on PATH; a non-executable file is skipped', async () => {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'chromium'), 'not executable');
  const other = exe(path.join(dir, 'bin2', 'chromium-browser'));
  await expect(findChromium({ env: { PATH: [bin, path.dirname(other)].join(path.delimiter) }, isRoot: false })).resolves.toBe(other);
});

test('as root with apt-get: installs chromium and a Chinese font, once, and uses it', async () => {
  const bin = path.join(dir, 'bin');
  exe(path.join(bin, 'apt-get'));
  const calls: string[] = [];
  const run = async (cmd: string, args: string[], env: NodeJS.ProcessEnv) => {
    calls.push(`${path.basename(cmd)} ${args.join(' ')} ${env.DEBIAN_FRONTEND}`);
    if (args[0] === 'install') exe(path.join(bin, 'chromium'));
    return 0;
  };
  await expect(findChromium({ env: { PATH: bin }, isRoot: true, run, lockDir: dir })).resolves.toBe(path.join(bin, 'chromium'));
  expect(calls).toEqual(['apt-get update noninteractive', 'apt-get install -y --no-install-recommends chromium fonts-wqy-microhei noninteractive']);
  // found on PATH now: apt is not run again
  await expect(findChromium({ env: { PATH: bin }, isRoot: true, run, lockDir: dir })).resolves.toBe(path.join(bin, 'chromium'));
  expect(calls).toHaveLength(2);
});

test('not root (or no apt-get): a clear message with the exact command', async () => {
  const run = jest.fn(async () => 0);
  exe(path.join(dir, 'bin', 'apt-get'));
  const err = await findChromium({ env: { PATH: path.join(dir, 'bin') }, isRoot: false, run, lockDir: dir }).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toContain(INSTALL_COMMAND);
  expect((err as Error).message).toContain('CHROMIUM_PATH');
  expect(INSTALL_COMMAND).toBe('sudo apt-get update && sudo apt-get install -y chromium fonts-wqy-microhei');
  expect(run).not.toHaveBeenCalled();
  const noApt = await findChromium({ env: { PATH: path.join(dir, 'empty') }, isRoot: true, run, lockDir: dir }).catch((e: Error) => e);
  expect((noApt as Error).message).toMatch(/apt-get is not available[\s\S]*apt-get install -y chromium/);
});
