import { timingSafeEqual } from 'node:crypto';
import { generateSm2KeyPair, sm2PublicKeyOf } from '../ecies';
import { SM2_ORDER, bufferToScalar, combineShares, scalarToBuffer, splitSecret, type Share } from '../shamir';

const pairs = (s: Share[]) => [
  [s[0]!, s[1]!],
  [s[0]!, s[2]!],
  [s[1]!, s[2]!],
  [s[2]!, s[0]!],
];

describe('Shamir 2-of-3 over the SM2 group order', () => {
  test('any two shares rebuild the private scalar, which matches the public key', () => {
    for (let round = 0; round < 5; round++) {
      const pair = generateSm2KeyPair();
      const shares = splitSecret(bufferToScalar(pair.privateKey), { threshold: 2, shares: 3, modulus: SM2_ORDER });
      expect(shares.map((s) => s.x)).toEqual([1, 2, 3]);
      for (const two of pairs(shares)) {
        const rebuilt = scalarToBuffer(combineShares(two, SM2_ORDER));
        expect(bufferToScalar(rebuilt)).toBe(bufferToScalar(pair.privateKey));
        expect(timingSafeEqual(sm2PublicKeyOf(rebuilt), pair.publicKey)).toBe(true);
      }
    }
  });

  test('a wrong share rebuilds a scalar that does not match the public key', () => {
    const pair = generateSm2KeyPair();
    const [a, b] = splitSecret(bufferToScalar(pair.privateKey), { threshold: 2, shares: 3, modulus: SM2_ORDER });
    const wrong = { x: b!.x, y: (b!.y + 1n) % SM2_ORDER };
    const rebuilt = scalarToBuffer(combineShares([a!, wrong], SM2_ORDER));
    expect(bufferToScalar(rebuilt)).not.toBe(bufferToScalar(pair.privateKey));
    expect(sm2PublicKeyOf(rebuilt).equals(pair.publicKey)).toBe(false);
  });

  test('one share alone says nothing of the secret: the same share value fits every secret', () => {
    // for a share (1, y) and ANY candidate secret s there is exactly one slope a = y − s, so every s is as likely
    const secret = 12345n;
    const [one] = splitSecret(secret, { threshold: 2, shares: 3, modulus: SM2_ORDER });
    for (const candidate of [0n, secret, SM2_ORDER - 1n, 987654321n]) {
      const slope = (one!.y - candidate + SM2_ORDER) % SM2_ORDER;
      expect((candidate + slope * 1n) % SM2_ORDER).toBe(one!.y);
    }
    // and the shares of the same secret differ from one split to the next (the slope is random)
    const again = splitSecret(secret, { threshold: 2, shares: 3, modulus: SM2_ORDER });
    expect(again[0]!.y).not.toBe(one!.y);
    expect(one!.y).not.toBe(secret);
  });

  test('every share is a scalar of the field, 32 bytes', () => {
    const pair = generateSm2KeyPair();
    for (const s of splitSecret(bufferToScalar(pair.privateKey), { threshold: 2, shares: 3, modulus: SM2_ORDER })) {
      expect(s.y < SM2_ORDER && s.y >= 0n).toBe(true);
      expect(scalarToBuffer(s.y)).toHaveLength(32);
    }
  });

  test('refuses what is not a split', () => {
    expect(() => splitSecret(SM2_ORDER, { threshold: 2, shares: 3, modulus: SM2_ORDER })).toThrow(RangeError);
    expect(() => splitSecret(1n, { threshold: 4, shares: 3, modulus: SM2_ORDER })).toThrow(RangeError);
    expect(() =>
      combineShares(
        [
          { x: 1, y: 1n },
          { x: 1, y: 2n },
        ],
        SM2_ORDER,
      ),
    ).toThrow(RangeError);
  });

  test('3-of-5 over a small prime, as a check of the interpolation', () => {
    const p = 2n ** 61n - 1n;
    const shares = splitSecret(42n, { threshold: 3, shares: 5, modulus: p });
    expect(combineShares([shares[4]!, shares[0]!, shares[2]!], p)).toBe(42n);
  });
});
