/**
 * The keys that protect data at rest. They live OUTSIDE the database (and so outside its WAL, replicas and backups):
 * in the environment (`PII_KEYS`: the key file's JSON, or that JSON in base64) or in a key file
 * (`KEYS_FILE`, default `<DATA_DIR or .data>/keys/keys.json`, mode 0600). In development and tests the file is
 * generated on first use; in production (`NODE_ENV=production`) a missing key set is a start-up error.
 *
 * Three purposes, each a set of versions with one current version (the id is stored next to every ciphertext, so
 * old versions keep decrypting until `npm run rotate-keys` has re-encrypted everything under the current one):
 * - `pii`: SM4 AEAD keys for personal data (ID numbers, phone numbers),
 * - `blind`: HMAC-SM3 keys of the blind indexes (equality lookups without decrypting),
 * - `ballot`: SM4 AEAD keys that wrap each review session's ballot private key.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KEY_BYTES } from './sm4';

export type KeyPurpose = 'pii' | 'blind' | 'ballot';
export const PURPOSES: KeyPurpose[] = ['pii', 'blind', 'ballot'];

export interface KeySetJson {
  current: string;
  keys: Record<string, string>; // id → base64 of 32 bytes
}
export type KeyFileJson = Record<KeyPurpose, KeySetJson>;

export interface Key {
  id: string;
  key: Buffer;
}

export class Keyring {
  private readonly sets = new Map<KeyPurpose, { current: string; keys: Map<string, Buffer> }>();

  constructor(readonly json: KeyFileJson) {
    for (const p of PURPOSES) {
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

  current(purpose: KeyPurpose): Key {
    const s = this.sets.get(purpose)!;
    return { id: s.current, key: s.keys.get(s.current)! };
  }

  get(purpose: KeyPurpose, id: string): Buffer {
    const k = this.sets.get(purpose)!.keys.get(id);
    if (!k) throw new Error(`no ${purpose} key "${id}" in the key set (was it removed before \`npm run rotate-keys\` finished?)`);
    return k;
  }

  all(purpose: KeyPurpose): Key[] {
    return [...this.sets.get(purpose)!.keys.entries()].map(([id, key]) => ({ id, key }));
  }
}

const newId = (p: KeyPurpose) => `${p[0]}${randomBytes(3).toString('hex')}`;

/** A fresh key set: one version of every purpose. */
export function generateKeyFile(): KeyFileJson {
  const out = {} as KeyFileJson;
  for (const p of PURPOSES) {
    const id = newId(p);
    out[p] = { current: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
  }
  return out;
}

/** Adds a new current version of each purpose (old versions stay, for decryption, until retired). */
export function addKeyVersions(json: KeyFileJson, purposes: KeyPurpose[] = PURPOSES): KeyFileJson {
  const out = JSON.parse(JSON.stringify(json)) as KeyFileJson;
  for (const p of purposes) {
    let id = newId(p);
    while (out[p].keys[id]) id = newId(p);
    out[p].keys[id] = randomBytes(KEY_BYTES).toString('base64');
    out[p].current = id;
  }
  return out;
}

/** Removes every non-current version (after a rotation re-encrypted everything). */
export function retireOldVersions(json: KeyFileJson): KeyFileJson {
  const out = JSON.parse(JSON.stringify(json)) as KeyFileJson;
  for (const p of PURPOSES) out[p].keys = { [out[p].current]: out[p].keys[out[p].current]! };
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
  if (env.PII_KEYS) return new Keyring(parseEnv(env.PII_KEYS));
  const file = keyFilePath();
  if (fs.existsSync(file)) return new Keyring(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson);
  if (env.NODE_ENV === 'production') {
    throw new Error(`no data-protection keys: set PII_KEYS or provide the key file ${file} (see docs/security.md)`);
  }
  // first start in development: create it, once even if several processes race (link fails if it exists)
  ensureKeyDir(file);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(generateKeyFile(), null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.unlinkSync(tmp);
  }
  return new Keyring(JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFileJson);
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
