/**
 * `npm run rotate-keys` — rotates the data-protection keys (docs/security.md, "Key rotation"):
 *   1. adds a new current version of the pii, blind and ballot keys to the key file (old versions kept);
 *   2. re-encrypts / re-indexes every stored value under the new versions (platform/crypto/rotation.ts).
 * Then restart the API and the worker (they load the key set at start), and run
 * `npm run rotate-keys -- --retire`: it re-encrypts anything written meanwhile under the old versions and, if
 * nothing is left, removes the old versions from the key file. `--no-new` re-encrypts without adding versions.
 * The key file is KEYS_FILE (default <DATA_DIR or .data>/keys/keys.json); with PII_KEYS set, the new key set is
 * written to KEYS_FILE_OUT (or printed) for you to store in your secret manager.
 */
import fs from 'node:fs';
import { readConfig } from '../runtime/config';
import { createDb } from '../db/connection';
import { addKeyVersions, keyFilePath, Keyring, resetKeyring, retireOldVersions, writeKeyFile, type KeyFileJson } from '../platform/crypto/keys';
import { rotateStoredData } from '../platform/crypto/rotation';
import { installDomains } from '../platform/plugins/registry';
import { DOMAINS } from '../domains';

async function main(): Promise<number> {
  const args = new Set(process.argv.slice(2));
  const url = readConfig().databaseUrl;
  if (!url) {
    console.error('rotate-keys: DATABASE_URL is required');
    return 2;
  }
  const fromEnv = !!process.env.PII_KEYS;
  const file = keyFilePath();
  const current: KeyFileJson = fromEnv
    ? JSON.parse(process.env.PII_KEYS!.trim().startsWith('{') ? process.env.PII_KEYS! : Buffer.from(process.env.PII_KEYS!, 'base64').toString('utf8'))
    : JSON.parse(fs.readFileSync(file, 'utf8'));
  const next = args.has('--retire') || args.has('--no-new') ? current : addKeyVersions(current);
  const save = (json: KeyFileJson) => {
    if (!fromEnv) return writeKeyFile(file, json);
    const out = process.env.KEYS_FILE_OUT;
    if (out) writeKeyFile(out, json);
    else console.log(JSON.stringify(json));
  };
  if (next !== current) save(next); // first: the new versions are stored before anything uses them
  const ring = new Keyring(next);
  resetKeyring(ring);
  const db = createDb(url, { max: 2 });
  try {
    installDomains(DOMAINS);
    const r = await rotateStoredData(db, ring);
    console.log(
      `re-encrypted ${r.values} values in ${r.rows} rows, re-wrapped ${r.ballotKeys} ballot keys and ${r.materialKeys} material keys, sealed ${r.materialsSealed} plain materials${r.materialsMissing ? ` (${r.materialsMissing} plain materials missing from the store)` : ''}; ${r.remaining} values not under the current keys`,
    );
    if (args.has('--retire')) {
      if (r.remaining > 0) {
        console.error('not retiring: some values are still under old keys (is an old API or worker still running?)');
        return 1;
      }
      save(retireOldVersions(next));
      console.log('old key versions removed from the key set');
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`rotate-keys failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
