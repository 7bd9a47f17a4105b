/** The national-algorithm building blocks: SM4-CTR + HMAC-SM3 AEAD, ECIES on the SM2 curve, the key set. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCipheriv, randomBytes } from 'node:crypto';
import { DecryptionError, hmacSm3, open, seal, sm3 } from '../sm4';
import { eciesDecrypt, eciesEncrypt, generateSm2KeyPair } from '../ecies';
import { addKeyVersions, generateKeyFile, Keyring, loadBallotKeyring, loadKeyring, retireOldVersions } from '../keys';

describe('SM4 AEAD', () => {
  const key = randomBytes(32);
  test('round trip; fresh IV each time; the ciphertext does not contain the plaintext', () => {
    const plain = Buffer.from('330102198001011234 13800001234');
    const a = seal(key, plain, 'app_user.id_number');
    const b = seal(key, plain, 'app_user.id_number');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(plain)).toBe(false);
    expect(open(key, a, 'app_user.id_number').equals(plain)).toBe(true);
  });
  test('any flipped bit, another key or another associated data is refused', () => {
    const c = seal(key, Buffer.from('secret'), 'x');
    for (let i = 0; i < c.length; i++) {
      const t = Buffer.from(c);
      t[i]! ^= 1;
      expect(() => open(key, t, 'x')).toThrow(DecryptionError);
    }
    expect(() => open(randomBytes(32), c, 'x')).toThrow(DecryptionError);
    expect(() => open(key, c, 'y')).toThrow(DecryptionError);
    expect(() => open(key, c.subarray(0, 10), 'x')).toThrow(DecryptionError);
  });
  test('it is SM4-CTR under the hood (GB/T 32907 test vector through Node) and SM3 is the standard hash', () => {
    // GB/T 32907-2016 appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210
    const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const e = createCipheriv('sm4-ecb', k, null).setAutoPadding(false);
    expect(Buffer.concat([e.update(k), e.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    // GB/T 32905-2016 example 1: SM3("abc")
    expect(sm3('abc').toString('hex')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(hmacSm3(key, 'a').equals(hmacSm3(key, 'a'))).toBe(true);
  });
});

describe('ECIES on the SM2 curve', () => {
  test('only the private key opens it; tampering and another session (aad) are refused', () => {
    const k = generateSm2KeyPair();
    expect(k.publicKey).toHaveLength(65);
    expect(k.privateKey).toHaveLength(32);
    const c = eciesEncrypt(k.publicKey, Buffer.from('ballot'), 'S1');
    expect(eciesDecrypt(k.privateKey, c, 'S1').toString()).toBe('ballot');
    expect(() => eciesDecrypt(generateSm2KeyPair().privateKey, c, 'S1')).toThrow(DecryptionError);
    expect(() => eciesDecrypt(k.privateKey, c, 'S2')).toThrow(DecryptionError);
    const t = Buffer.from(c);
    t[t.length - 40]! ^= 1;
    expect(() => eciesDecrypt(k.privateKey, t, 'S1')).toThrow(DecryptionError);
    // two encryptions of the same ballot differ (fresh ephemeral key)
    expect(eciesEncrypt(k.publicKey, Buffer.from('ballot'), 'S1').equals(c)).toBe(false);
  });
});

describe('the key set', () => {
  test('generated once in development, refused missing in production, taken from PII_KEYS when given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const file = path.join(dir, 'keys', 'keys.json');
    const env = { KEYS_FILE: file, NODE_ENV: 'development' } as NodeJS.ProcessEnv;
    const saved = process.env.KEYS_FILE;
    process.env.KEYS_FILE = file;
    try {
      expect(() => loadKeyring({ ...env, NODE_ENV: 'production' })).toThrow(/PII_KEYS/);
      const a = loadKeyring(env);
      expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
      const b = loadKeyring(env);
      expect(b.current('pii').key.equals(a.current('pii').key)).toBe(true);
      const json = generateKeyFile();
      const fromEnv = loadKeyring({ PII_KEYS: Buffer.from(JSON.stringify(json)).toString('base64') } as NodeJS.ProcessEnv);
      expect(fromEnv.current('blind').id).toBe(json.blind!.current);
    } finally {
      process.env.KEYS_FILE = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the ballot keys are a key set of their own: none in the data key set (PII_KEYS), its own file or BALLOT_KEYS', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const saved = [process.env.KEYS_FILE, process.env.BALLOT_KEYS_FILE];
    process.env.KEYS_FILE = path.join(dir, 'keys', 'keys.json');
    process.env.BALLOT_KEYS_FILE = path.join(dir, 'keys', 'ballot-keys.json');
    try {
      const env = { NODE_ENV: 'development' } as NodeJS.ProcessEnv;
      const data = loadKeyring(env);
      expect(Object.keys(JSON.parse(fs.readFileSync(process.env.KEYS_FILE, 'utf8'))).sort()).toEqual(['blind', 'pii']);
      expect(data.has('ballot')).toBe(false);
      expect(() => data.current('ballot')).toThrow(/no "ballot" keys/);
      const ballots = loadBallotKeyring(env);
      expect(Object.keys(JSON.parse(fs.readFileSync(process.env.BALLOT_KEYS_FILE, 'utf8')))).toEqual(['ballot']);
      expect((fs.statSync(process.env.BALLOT_KEYS_FILE).mode & 0o777).toString(8)).toBe('600');
      expect(ballots.has('pii')).toBe(false);
      process.env.BALLOT_KEYS_FILE = path.join(dir, 'none.json');
      expect(() => loadBallotKeyring({ NODE_ENV: 'production' } as NodeJS.ProcessEnv)).toThrow(/BALLOT_KEYS/);
      const own = generateKeyFile(['ballot']);
      expect(loadBallotKeyring({ BALLOT_KEYS: JSON.stringify(own) } as NodeJS.ProcessEnv).current('ballot').id).toBe(own.ballot!.current);
    } finally {
      [process.env.KEYS_FILE, process.env.BALLOT_KEYS_FILE] = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  test('a new version becomes current; old ones still decrypt until retired', () => {
    const v1 = generateKeyFile();
    const v2 = addKeyVersions(v1);
    const r1 = new Keyring(v1);
    const r2 = new Keyring(v2);
    expect(r2.current('pii').id).not.toBe(r1.current('pii').id);
    const c = seal(r1.current('pii').key, Buffer.from('x'));
    expect(open(r2.get('pii', r1.current('pii').id), c).toString()).toBe('x');
    const r3 = new Keyring(retireOldVersions(v2));
    expect(() => r3.get('pii', r1.current('pii').id)).toThrow(/rotate-keys/);
    expect(r3.all('pii')).toHaveLength(1);
  });
});

describe('the query plugin', () => {
  // compile only (no database): what SQL and parameters reach PostgreSQL
  const { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } = require('kysely') as typeof import('kysely');
  const { PiiPlugin } = require('../piiPlugin') as typeof import('../piiPlugin');
  const { blindIndex } = require('../blindIndex') as typeof import('../blindIndex');
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (d) => new PostgresIntrospector(d),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    plugins: [new PiiPlugin()],
  });
  const ID = '330102198001011234';
  test('writes index + ciphertext, never the number; phones as ciphertext', () => {
    const q = db.insertInto('app_user').values({ username: 'u', id_number: ID, phone: '13800001111' }).compile();
    expect(q.sql).toContain('"id_number_enc"');
    expect(q.parameters).toContain(blindIndex(ID));
    expect(JSON.stringify(q.parameters)).not.toContain(ID);
    expect(JSON.stringify(q.parameters)).not.toContain('13800001111');
    const u = db.updateTable('claim').set({ applicant_id_number: ID }).where('id', '=', 'x').compile();
    expect(u.sql).toContain('"applicant_id_number_enc" =');
    expect(JSON.stringify(u.parameters)).not.toContain(ID);
  });
  test('equality lookups compare blind indexes; the outer select reads the ciphertext; other comparisons are refused', () => {
    const q = db.selectFrom('blacklist').select('id_number').where('id_number', '=', ID).compile();
    expect(q.sql).toMatch(/select "id_number_enc" as "id_number" from "blacklist" where "id_number" in \(\$1\)/);
    expect(q.parameters).toEqual([blindIndex(ID)]);
    expect(() => db.selectFrom('claim').selectAll().where('applicant_id_number', 'like', '%1234').compile()).toThrow(/only equality/);
    expect(() =>
      db
        .updateTable('app_user')
        .set((eb: any) => ({ id_number: eb.ref('username') }))
        .compile(),
    ).toThrow(/must be written with a value/);
  });
});
