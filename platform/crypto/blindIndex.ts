/**
 * Keyed blind indexes: HMAC-SM3 of a normalised value under a `blind` key (separate from the encryption keys), so
 * the database can compare, join and enforce uniqueness on ID numbers without holding them. Stored as
 * `<key id>.<hex of 16 bytes>`; lookups compare against the index under every key version in the set, so a
 * rotation in progress never misses a row.
 */
import type { Keyring } from './keys';
import { keyring } from './keys';
import { hmacSm3 } from './sm4';

/** ID numbers compare upper-case without spaces (the check character X may be typed as x). */
export function normaliseForIndex(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

export function blindIndexWith(key: { id: string; key: Buffer }, value: string): string {
  return `${key.id}.${hmacSm3(key.key, 'blind-index:v1:', normaliseForIndex(value)).subarray(0, 16).toString('hex')}`;
}

/** The index to store (current key). */
export function blindIndex(value: string, ring: Keyring = keyring()): string {
  return blindIndexWith(ring.current('blind'), value);
}

/** Every index the value may be stored under (all key versions), for lookups. */
export function blindIndexes(value: string, ring: Keyring = keyring()): string[] {
  return ring.all('blind').map((k) => blindIndexWith(k, value));
}

export const isBlindIndex = (v: unknown): v is string => typeof v === 'string' && /^[a-z0-9]{1,16}\.[0-9a-f]{32}$/.test(v);
