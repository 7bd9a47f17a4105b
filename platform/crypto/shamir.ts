/**
 * Shamir secret sharing over a prime field (here the SM2 curve's group order n, so a share of an SM2 private scalar
 * is itself a scalar): a random polynomial f of degree t−1 with f(0) = the secret, share i = (i, f(i) mod p); any t
 * shares give f(0) by Lagrange interpolation at 0, fewer give nothing (every value of the secret is equally likely).
 * The npm libraries found (shamir-secret-sharing, shamirs-secret-sharing) split bytes over GF(2^8), not a scalar mod
 * n, so this is written here (bigint). Combining does not detect a wrong share: the caller checks the result
 * (the ballot checks the reconstructed scalar against the session's public key).
 */
import { randomBytes } from 'node:crypto';

/** the order n of the SM2 curve's base point (GB/T 32918.5) */
export const SM2_ORDER = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

export interface Share {
  x: number;
  y: bigint;
}

const mod = (a: bigint, p: bigint) => ((a % p) + p) % p;

/** a uniform value in [0, p) by rejection sampling */
export function randomBelow(p: bigint): bigint {
  const bytes = Math.ceil(p.toString(16).length / 2);
  for (;;) {
    const v = BigInt(`0x${randomBytes(bytes).toString('hex')}`);
    if (v < p) return v;
  }
}

function inverse(a: bigint, p: bigint): bigint {
  // p is prime: a^(p−2) mod p
  let result = 1n;
  let base = mod(a, p);
  let e = p - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % p;
    base = (base * base) % p;
    e >>= 1n;
  }
  return result;
}

/** Splits `secret` (in [0, p)) into `shares` shares at x = 1…shares, any `threshold` of which rebuild it. */
export function splitSecret(secret: bigint, opts: { threshold: number; shares: number; modulus: bigint }): Share[] {
  const p = opts.modulus;
  if (secret < 0n || secret >= p) throw new RangeError('the secret is not in the field');
  if (opts.threshold < 2 || opts.threshold > opts.shares) throw new RangeError('need 2 ≤ threshold ≤ shares');
  const coefficients = [secret, ...Array.from({ length: opts.threshold - 1 }, () => randomBelow(p))];
  return Array.from({ length: opts.shares }, (_, i) => {
    const x = BigInt(i + 1);
    let y = 0n;
    for (let k = coefficients.length - 1; k >= 0; k--) y = (y * x + coefficients[k]!) % p; // Horner
    return { x: i + 1, y };
  });
}

/** f(0) from distinct shares (as many as the threshold); a wrong share gives a wrong value, not an error. */
export function combineShares(shares: Share[], modulus: bigint): bigint {
  const xs = shares.map((s) => s.x);
  if (new Set(xs).size !== xs.length || xs.some((x) => x < 1)) throw new RangeError('the shares must have distinct positive x');
  let secret = 0n;
  for (const si of shares) {
    let num = 1n;
    let den = 1n;
    for (const sj of shares) {
      if (sj === si) continue;
      num = (num * BigInt(-sj.x)) % modulus;
      den = (den * BigInt(si.x - sj.x)) % modulus;
    }
    secret = mod(secret + si.y * mod(num, modulus) * inverse(den, modulus), modulus);
  }
  return secret;
}

export const scalarToBuffer = (v: bigint): Buffer => Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
export const bufferToScalar = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);
