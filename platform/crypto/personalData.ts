/**
 * Personal data at rest (docs/security.md, "Personal data"): ID numbers and phone numbers are stored only as
 * SM4-CTR + HMAC-SM3 ciphertexts, `pii1.<key id>.<base64url>`, under `pii` keys kept outside the database.
 * ID numbers are also looked up, joined and kept unique: their original column holds the keyed blind index
 * (blindIndex.ts) and a sibling `<column>_enc` holds the ciphertext. Phones are only shown: the column holds the
 * ciphertext. `piiPlugin.ts` applies this to every Kysely query, so the code above it keeps reading and writing
 * plain values.
 */
import type { Keyring } from './keys';
import { keyring } from './keys';
import { open, seal } from './sm4';
import type { PersonalDataTable } from '../plugins/domainPlugin';
import { personalDataTables } from '../plugins/registry';

/** Columns holding an ID number: blind index in the column, ciphertext in `<column>_enc`. */
export const INDEXED_COLUMNS = new Set(['id_number', 'applicant_id_number', 'subject_person_id']);
/** Columns holding a phone number: the ciphertext in the column itself. */
export const ENCRYPTED_COLUMNS = new Set(['phone', 'applicant_phone']);
/** The kernel's tables holding personal data; each domain declares its own (DomainPlugin.personalData). */
const KERNEL_PII_TABLES: PersonalDataTable[] = [
  { table: 'app_user', indexed: ['id_number'], encrypted: ['phone'] },
  { table: 'task', indexed: ['subject_person_id'], encrypted: [] },
  { table: 'identity_dispute', indexed: ['id_number'], encrypted: [] },
];

/** Every table and column holding personal data, the kernel's and every installed domain's (rotation, the dump test). */
export function piiTables(): PersonalDataTable[] {
  return [...KERNEL_PII_TABLES, ...personalDataTables()];
}

const PREFIX = 'pii1';
const AAD = 'pii1';
const CIPHERTEXT = /^pii1\.([a-z0-9]{1,16})\.([A-Za-z0-9_-]+)$/;

export const isCiphertext = (v: unknown): v is string => typeof v === 'string' && CIPHERTEXT.test(v);

export function encryptPii(plain: string, ring: Keyring = keyring()): string {
  const k = ring.current('pii');
  return `${PREFIX}.${k.id}.${seal(k.key, Buffer.from(plain, 'utf8'), `${AAD}.${k.id}`).toString('base64url')}`;
}

/**
 * Recently decrypted values (lists such as the inbox read the same ciphertexts again and again; SM4 and HMAC-SM3
 * are not hardware-accelerated). Process memory only — it holds what the process shows anyway.
 */
const recent = new Map<string, string>();
const RECENT_MAX = 20_000;

export function decryptPii(text: string, ring: Keyring = keyring()): string {
  const m = CIPHERTEXT.exec(text);
  if (!m) throw new Error('not a personal-data ciphertext');
  const key = ring.get('pii', m[1]!);
  const hit = recent.get(text);
  if (hit !== undefined) return hit;
  const plain = open(key, Buffer.from(m[2]!, 'base64url'), `${AAD}.${m[1]}`).toString('utf8');
  if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  recent.set(text, plain);
  return plain;
}

/** The key id a ciphertext was made with (rotation re-encrypts those that are not the current one). */
export const keyIdOf = (text: string): string | undefined => CIPHERTEXT.exec(text)?.[1];

/** Decrypts every ciphertext string in a value (rows, JSON documents), in place where possible. */
export function decryptDeep(v: unknown, ring: Keyring = keyring()): unknown {
  if (typeof v === 'string') return isCiphertext(v) ? decryptPii(v, ring) : v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decryptDeep(v[i], ring);
    return v;
  }
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = decryptDeep(o[k], ring);
    return o;
  }
  return v;
}
