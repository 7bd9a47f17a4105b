/**
 * The keys that protect data at rest. They live OUTSIDE the database (and so outside its WAL, replicas and backups):
 * in the environment (`PII_KEYS`: the key file's JSON, or that JSON in base64) or in a key file
 * (`KEYS_FILE`, default `<DATA_DIR or .data>/keys/keys.json`, mode 0600). In development and tests the file is
 * generated on first use; in production (`NODE_ENV=production`) a missing key set is a start-up error.
 *
 * Purposes, each a set of versions with one current version (the id is stored next to every ciphertext, so
 * old versions keep decrypting until `npm run rotate-keys` has re-encrypted everything under the current one):
 * - `pii`: SM4 AEAD keys for personal data (ID numbers, phone numbers, the data keys of stored materials),
 * - `blind`: HMAC-SM3 keys of the blind indexes (equality lookups without decrypting) and of materials' addresses,
 * - `ballot`: SM4 AEAD keys that wrap each review session's ballot private key — a key set of its OWN (issue 19,
 *   finding 11): `BALLOT_KEYS` (the same JSON form, `{"ballot": {...}}`), or the file `BALLOT_KEYS_FILE` (default
 *   `<DATA_DIR or .data>/keys/ballot-keys.json`, 0600), so the operators who hold `PII_KEYS` to run the API and
 *   workers cannot open ballots with a storage copy. A `ballot` set still found in the PII key set (written before)
 *   is read only, to open sessions whose key it wrapped, until `npm run rotate-keys` re-wraps them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KEY_BYTES } from './sm4';

export type KeyPurpose = 'pii' | 'blind' | 'ballot';
/** the purposes of the data key set (PII_KEYS / the key file) */
export const PURPOSES: KeyPurpose[] = ['pii', 'blind'];
/** the purposes of the ballot key set (BALLOT_KEYS / the ballot key file) */
export const BALLOT_PURPOSES: KeyPurpose[] = ['ballot'];

export interface KeySetJson {
  current: string;
  keys: Record<string, string>; // id → base64 of 32 bytes
}
export type KeyFileJson = Partial<Record<KeyPurpose, KeySetJson>>;

export interface Key {
  id: string;
  key: Buffer;
}

export class Keyring {
  private readonly sets = new Map<KeyPurpose, { current: string; keys: Map<string, Buffer> }>();

  constructor(
    readonly json: KeyFileJson,
    required: KeyPurpose[] = PURPOSES,
  ) {
    for (const p of [...new Set([...required, ...(Object.keys(json) as KeyPurpose[])])]) {
      const s = json[p];
      if (!s?.current || !s.keys?.[s.current]) throw new Error(`the key set has no current "${p}" key`);
      const keys = new Map<string, Buffer>();
      for (const [id, b64] of Object.entries(s.keys)) {
        if (!/^[a-z0-9]{1,16}$/.test(id)) throw new Error(`bad key id "${id}" (${p})`);
        const k = Buffer.from(b64, 'base64');
        if (k.length !== KEY_BYTES) throw new Error(`key ${p}/${id} is not ${KEY_BYTES} bytes`);
        keys.set(id, k);
      }
      this.sets.set(p, { current: s.current, keys });
    }
  }

  has(purpose: KeyPurpose): boolean {
    return this.sets.has(purpose);
  }

  private set(purpose: KeyPurpose) {
    const s = this.sets.get(purpose);
    if (!s) throw new Error(`this key set has no "${purpose}" keys`);
    return s;
  }

  current(purpose: KeyPurpose): Key {
    const s = this.set(purpose);
    return { id: s.current, key: s.keys.get(s.current)! };
  }

  get(purpose: KeyPurpose, id: string): Buffer {
    const k = this.sets.get(purpose)?.keys.get(id);
    if (!k) throw new Error(`no ${purpose} key "${id}" in the key set (was it removed before \`npm run rotate-keys\` finished?)`);
    return k;
  }

  all(purpose: KeyPurpose): Key[] {
    return [...this.set(purpose).keys.entries()].map(([id, key]) => ({ id, key }));
  }
}

const newId = (p: KeyPurpose) => `${p[0]}${randomBytes(3).toString('hex')}`;

/** A fresh key set: one version of every purpose. */
export function generateKeyFile(purposes: KeyPurpose[] = PURPOSES): KeyFileJson {
  const out = {} as KeyFileJson;
  for (const p of purposes) {
    const id = newId(p);
    out[p] = { current: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
  }
  return out;
}

/** Adds a new current version of each purpose (old versions stay, for decryption, until retired). */
export function addKeyVersions(json: KeyFileJson, purposes: KeyPurpose[] = Object.keys(json) as KeyPurpose[]): KeyFileJson {
  const out = JSON.parse(JSON.stringify(json)) as KeyFileJson;
  for (const p of purposes) {
    const set = out[p]!;
    let id = newId(p);
    while (set.keys[id]) id = newId(p);
    set.keys[id] = randomBytes(KEY_BYTES).toString('base64');
    set.current = id;
  }
  return out;
}

/** Removes every non-current version (after a rotation re-encrypted everything). */
export function retireOldVersions(json: KeyFileJson): KeyFileJson {
  const out = JSON.parse(JSON.stringify(json)) as KeyFileJson;
  for (const p of Object.keys(out) as KeyPurpose[]) {
    const set = out[p]!;
    set.keys = { [set.current]: set.keys[set.current]! };
  }
  return out;
}

export function keyFilePath(): string {
  return process.env.KEYS_FILE ? path.resolve(process.env.KEYS_FILE) : path.resolve(process.env.DATA_DIR ?? '.data', 'keys', 'keys.json');
}

/**
 * The key file's own folder is 0700; the folders above it keep the default mode (a 0700 `.data` would lock the
 * embedded PostgreSQL, which runs as its own user, out of `.data/pg`).
 */
function ensureKeyDir(file: string): void {
  fs.mkdirSync(path.dirname(path.dirname(file)), { recursive: true });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
}

/** Writes the key file atomically with mode 0600. */
export function writeKeyFile(file: string, json: KeyFileJson): void {
  ensureKeyDir(file);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function parseEnv(v: string): KeyFileJson {
  const text = v.trim().startsWith('{') ? v : Buffer.from(v, 'base64').toString('utf8');
  return JSON.parse(text) as KeyFileJson;
}

/** Loads the key set: `PII_KEYS`, else the key file; generates the file outside production. */
export function loadKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  return loadSet(env.PII_KEYS, keyFilePath(), PURPOSES, 'PII_KEYS', env);
}

export function ballotKeyFilePath(): string {
  return process.env.BALLOT_KEYS_FILE ? path.resolve(process.env.BALLOT_KEYS_FILE) : path.resolve(process.env.DATA_DIR ?? '.data', 'keys', 'ballot-keys.json');
}

/** Loads the ballot key set: `BALLOT_KEYS`, else its own file; generates the file outside production. */
export function loadBallotKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  return loadSet(env.BALLOT_KEYS, ballotKeyFilePath(), BALLOT_PURPOSES, 'BALLOT_KEYS', env);
}

function loadSet(fromEnv: string | undefined, file: string, purposes: KeyPurpose[], envName: string, env: NodeJS.ProcessEnv): Keyring {
  if (fromEnv) return new Keyring(parseEnv(fromEnv), purposes);
  if (fs.existsSync(file)) return new Keyring(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson, purposes);
  if (env.NODE_ENV === 'production') {
    throw new Error(`no ${purposes.join('/')} keys: set ${envName} or provide the key file ${file} (see docs/security.md)`);
  }
  // first start in development: create it, once even if several processes race (link fails if it exists)
  ensureKeyDir(file);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(generateKeyFile(purposes), null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.unlinkSync(tmp);
  }
  return new Keyring(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson, purposes);
}

let cached: Keyring | undefined;
/** The process's key set (loaded once). */
export function keyring(): Keyring {
  cached ??= loadKeyring();
  return cached;
}
/** Drops the cached key set (after a rotation, and in tests). */
export function resetKeyring(k?: Keyring): void {
  cached = k;
}

let cachedBallot: Keyring | undefined;
/** The process's ballot key set (loaded once; only the processes that open or count ballots need it). */
export function ballotKeyring(): Keyring {
  cachedBallot ??= loadBallotKeyring();
  return cachedBallot;
}
export function resetBallotKeyring(k?: Keyring): void {
  cachedBallot = k;
}

/**
 * The key that wrapped a session's ballot key: in the ballot key set, or — for a session opened before the key sets
 * were separated — in the `ballot` set left in the data key set.
 */
export function ballotKek(id: string): Buffer {
  const own = ballotKeyring();
  if (own.all('ballot').some((k) => k.id === id)) return own.get('ballot', id);
  return keyring().get('ballot', id);
}
