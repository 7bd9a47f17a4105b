/**
 * The Temporal payload codec: SM4-CTR + HMAC-SM3 over the whole serialised payload, the key id in the metadata (so
 * keys rotate), tampering refused, payloads written before the codec passed through unchanged.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import { addKeyVersions, generateKeyFile, Keyring } from '../keys';
import { CIPHER, ENCRYPTED_ENCODING, KEY_ID_METADATA, Sm4PayloadCodec } from '../payloadCodec';

const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const ID = '330503198001011234';
const PHONE = '13900001234';

test('a payload is sealed whole: neither its data nor its encoding shows; the key id does', async () => {
  const ring = new Keyring(generateKeyFile());
  const codec = new Sm4PayloadCodec(() => ring);
  const plain = defaultPayloadConverter.toPayload({ applicantIdNumber: ID, applicantPhone: PHONE });
  const [enc] = await codec.encode([plain]);
  expect(utf8(enc!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  expect(utf8(enc!.metadata![KEY_ID_METADATA])).toBe(ring.current('pii').id);
  expect(utf8(enc!.metadata!['encryption-cipher'])).toBe(CIPHER);
  expect(utf8(enc!.data)).not.toContain(ID);
  expect(Buffer.from(enc!.data!).includes(Buffer.from('json/plain'))).toBe(false);
  const [dec] = await codec.decode([enc!]);
  expect(defaultPayloadConverter.fromPayload(dec!)).toEqual({ applicantIdNumber: ID, applicantPhone: PHONE });
});

test('after a rotation new payloads use the new key and old ones still decode', async () => {
  const json = generateKeyFile();
  const before = new Keyring(json);
  const [old] = await new Sm4PayloadCodec(() => before).encode([defaultPayloadConverter.toPayload('old')]);
  const after = new Keyring(addKeyVersions(json));
  const codec = new Sm4PayloadCodec(() => after);
  const [fresh] = await codec.encode([defaultPayloadConverter.toPayload('new')]);
  expect(utf8(fresh!.metadata![KEY_ID_METADATA])).not.toBe(utf8(old!.metadata![KEY_ID_METADATA]));
  const decoded = await codec.decode([old!, fresh!]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['old', 'new']);
});

test('a tampered payload, or one relabelled with another key id, is refused', async () => {
  const json = addKeyVersions(generateKeyFile());
  const ring = new Keyring(json);
  const codec = new Sm4PayloadCodec(() => ring);
  const [enc] = await codec.encode([defaultPayloadConverter.toPayload({ amountYuan: 1000 })]);
  const flipped = Buffer.from(enc!.data!);
  flipped[20]! ^= 1;
  await expect(codec.decode([{ ...enc!, data: flipped }])).rejects.toThrow();
  const other = ring.all('pii').find((k) => k.id !== ring.current('pii').id)!;
  await expect(codec.decode([{ ...enc!, metadata: { ...enc!.metadata, [KEY_ID_METADATA]: Buffer.from(other.id) } }])).rejects.toThrow();
});

test('payloads recorded before the codec (plain JSON) pass through decoding unchanged', async () => {
  const codec = new Sm4PayloadCodec(() => new Keyring(generateKeyFile()));
  const plain = defaultPayloadConverter.toPayload({ claimId: 'c1' });
  const [out] = await codec.decode([plain]);
  expect(out).toBe(plain);
});
