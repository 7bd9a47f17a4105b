/**
 * Materials for tests: small files of each accepted type, and uploading the set a claim or title application needs
 * (POST /api/v1/materials), so a submission can name them.
 */
import request from 'supertest';
import type { Express } from 'express';
import { claimMaterialKinds } from '../../nanxun/materials';
import { applicationMaterialKinds } from '../../titleReview/materials';

/** A minimal PDF (its magic number is what the server checks). */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
);
/** A 1×1 PNG. */
export const SAMPLE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** The start of a JPEG (SOI + APP0 JFIF). */
export const SAMPLE_JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
  Buffer.from('JFIF\0'),
  Buffer.alloc(64, 1),
  Buffer.from([0xff, 0xd9]),
]);

let n = 0;

/** Uploads one file; answers the created material (throws unless 201). */
export async function uploadMaterial(app: Express, token: string, kind: string, file: Buffer = SAMPLE_PDF, fileName = `${kind}-${++n}.pdf`) {
  const res = await request(app).post('/api/v1/materials').set('Authorization', `Bearer ${token}`).field('kind', kind).attach('file', file, fileName);
  if (res.status !== 201) throw new Error(`upload ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; kind: string; fileName: string; contentType: string; size: number; sha256: string };
}

/** Uploads one file per kind; answers their ids. */
export async function uploadKinds(app: Express, token: string, kinds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const k of kinds) ids.push((await uploadMaterial(app, token, k, Buffer.concat([SAMPLE_PDF, Buffer.from(`% ${k} ${++n} ${Math.random()}\n`)]))).id);
  return ids;
}

/** Uploads what a Nanxun claim of this kind needs (附件2-1 / 附件2-2); answers the ids for its `materials`. */
export function claimMaterials(app: Express, token: string, kind: string = 'certificate'): Promise<string[]> {
  return uploadKinds(app, token, claimMaterialKinds(kind));
}

/** Uploads an achievement file for a title application; answers the ids for its `materials`. */
export function titleMaterials(app: Express, token: string): Promise<string[]> {
  return uploadKinds(app, token, applicationMaterialKinds());
}

/** The claim body with the materials its kind needs, uploaded by `token` (for tests that submit claims). */
export async function withClaimMaterials<T extends object>(app: Express, token: string, body: T): Promise<T & { materials: string[] }> {
  return { ...body, materials: await claimMaterials(app, token, String((body as { kind?: unknown }).kind ?? 'certificate')) };
}

/** The title application body with an achievement file uploaded by `token` (ids in `materials`, or in `materials.files`). */
export async function withTitleMaterials<T extends object>(app: Express, token: string, body: T): Promise<T & { materials: unknown }> {
  const ids = await titleMaterials(app, token);
  const m = (body as { materials?: unknown }).materials;
  return { ...body, materials: m && typeof m === 'object' && !Array.isArray(m) ? { ...m, files: ids } : ids };
}
