/**
 * Where the bytes of materials live, under their content address. The bytes are sealed (SM4, see sealedContent.ts)
 * and the address a keyed hash, so neither store sees a file or its plain hash; materials stored before migration
 * 0045 are plain under their sha256 until `npm run rotate-keys` seals them.
 * - PostgresBlobStore (default): a bytea row per content in `material_blob`.
 * - S3BlobStore: an S3-compatible bucket (MinIO, OSS, COS…), objects `<prefix><address>`, requests signed with AWS
 *   Signature V4 over plain fetch (no SDK). Chosen with MATERIALS_STORE=s3 and S3_ENDPOINT, S3_BUCKET, S3_REGION,
 *   S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (S3_PREFIX optional; path-style URLs).
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { deleteBlob, insertBlobOnce } from './repository';

export interface BlobStore {
  readonly name: string;
  /** Stores the content under its address (a no-op if it is there already). */
  put(address: string, content: Buffer): Promise<void>;
  /** The content, or null if it is not stored. */
  get(address: string): Promise<Buffer | null>;
  /** Removes the content (a plain copy once it is sealed). */
  remove(address: string): Promise<void>;
}

/** A plain sha256 address (a material stored before 0045), whose content can be checked against it. */
const isPlainAddress = (address: string) => /^[0-9a-f]{64}$/.test(address);

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export class PostgresBlobStore implements BlobStore {
  readonly name = 'postgres';
  constructor(private readonly db: Kysely<Database>) {}

  async put(address: string, content: Buffer): Promise<void> {
    await insertBlobOnce(this.db, address, content);
  }

  async get(address: string): Promise<Buffer | null> {
    const row = await this.db.selectFrom('material_blob').select('content').where('address', '=', address).executeTakeFirst();
    return row ? Buffer.from(row.content) : null;
  }

  async remove(address: string): Promise<void> {
    await deleteBlob(this.db, address);
  }
}

export interface S3Config {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  prefix?: string;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** AWS Signature Version 4 headers for one request (exported for its test). */
export function signV4(
  cfg: Pick<S3Config, 'region' | 'accessKeyId' | 'secretAccessKey'>,
  req: { method: string; url: URL; payloadHash: string; headers?: Record<string, string> },
  now = new Date(),
): Record<string, string> {
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...req.headers, host: req.url.host, 'x-amz-content-sha256': req.payloadHash, 'x-amz-date': amzDate };
  const names = Object.keys(headers)
    .map((h) => h.toLowerCase())
    .sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const canonicalHeaders = names.map((n) => `${n}:${lower[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const query = [...req.url.searchParams.entries()]
    .map(([k, v]) => [encodeURIComponent(k), encodeURIComponent(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [req.method, req.url.pathname, query, canonicalHeaders, signedHeaders, req.payloadHash].join('\n');
  const scope = `${day}/${cfg.region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${cfg.secretAccessKey}`, day), cfg.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${cfg.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

export class S3BlobStore implements BlobStore {
  readonly name = 's3';
  constructor(
    private readonly cfg: S3Config,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private url(address: string): URL {
    const base = this.cfg.endpoint.replace(/\/+$/, '');
    return new URL(`${base}/${encodeURIComponent(this.cfg.bucket)}/${this.cfg.prefix ?? ''}${address}`);
  }

  async put(address: string, content: Buffer): Promise<void> {
    const url = this.url(address);
    const head = await this.fetchImpl(url, { method: 'HEAD', headers: signV4(this.cfg, { method: 'HEAD', url, payloadHash: hex('') }) });
    if (head.ok) return; // content-addressed: already there
    const headers = signV4(this.cfg, { method: 'PUT', url, payloadHash: sha256Hex(content), headers: { 'content-length': String(content.length) } });
    const res = await this.fetchImpl(url, { method: 'PUT', headers, body: new Uint8Array(content) });
    if (!res.ok) throw new Error(`S3 PUT ${url.pathname}: ${res.status}`);
  }

  async get(address: string): Promise<Buffer | null> {
    const url = this.url(address);
    const res = await this.fetchImpl(url, { method: 'GET', headers: signV4(this.cfg, { method: 'GET', url, payloadHash: hex('') }) });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`S3 GET ${url.pathname}: ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    // a plain (pre-0045) object must match its hash; a sealed one is authenticated when it is opened
    if (isPlainAddress(address) && sha256Hex(body) !== address) throw new Error(`S3 GET ${url.pathname}: content does not match its hash`);
    return body;
  }

  async remove(address: string): Promise<void> {
    const url = this.url(address);
    const res = await this.fetchImpl(url, { method: 'DELETE', headers: signV4(this.cfg, { method: 'DELETE', url, payloadHash: hex('') }) });
    if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${url.pathname}: ${res.status}`);
  }
}

/** The configured store: Postgres unless MATERIALS_STORE=s3. */
export function blobStoreFromEnv(db: Kysely<Database>, env: NodeJS.ProcessEnv = process.env): BlobStore {
  if ((env.MATERIALS_STORE ?? 'postgres') !== 's3') return new PostgresBlobStore(db);
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new Error(`MATERIALS_STORE=s3 needs ${k}`);
    return v;
  };
  return new S3BlobStore({
    endpoint: need('S3_ENDPOINT'),
    bucket: need('S3_BUCKET'),
    region: env.S3_REGION || 'us-east-1',
    accessKeyId: need('S3_ACCESS_KEY_ID'),
    secretAccessKey: need('S3_SECRET_ACCESS_KEY'),
    prefix: env.S3_PREFIX,
  });
}
