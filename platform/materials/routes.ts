/** Materials (申请材料): upload, download (audited), remove before submitting, the download audit. */
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { Problem } from '../http/problem';
import { actorOf } from '../auth/authenticate';
import { iso } from '../http/views';
import type { AppDeps } from '../http/deps';
import { blobStoreFromEnv, type BlobStore } from './blobStore';
import { MATERIAL_KINDS, MAX_FILE_BYTES } from './requirements';
import { contentDisposition, downloadMaterial, materialRepository, removeUnattached, uploadMaterial } from './useCases';

export const MaterialCreated = z.object({
  id: z.string(),
  kind: z.enum(MATERIAL_KINDS),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
});
export const MaterialListItem = z.object({
  id: z.string(),
  kind: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  attachedAt: z.string().nullable(),
});

/** multer in memory with limits; its refusals become problems (413 for a file too large, 400 otherwise). */
function multipart(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 100 },
    defParamCharset: 'utf8',
  }).single('file');
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next(new Problem('VALIDATION_FAILED', 'send multipart/form-data with a part "file" and a field "kind"'));
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE')
          return next(new Problem('PAYLOAD_TOO_LARGE', `a file may have at most ${MAX_FILE_BYTES / 1024 / 1024} MB`, { maxBytes: MAX_FILE_BYTES }));
        return next(
          new Problem(
            'VALIDATION_FAILED',
            `malformed upload: ${err.code === 'LIMIT_UNEXPECTED_FILE' ? `one file, in the part named "file" (got "${err.field}")` : err.message}`,
          ),
        );
      }
      next(new Problem('VALIDATION_FAILED', 'malformed multipart/form-data body'));
    });
  };
}

export function materialRoutes(deps: AppDeps & { blobs?: BlobStore }): Router {
  const router = Router();
  const { db } = deps;
  const blobs = deps.blobs ?? blobStoreFromEnv(db);

  defineRoute(router, {
    method: 'post',
    path: '/api/v1/materials',
    summary:
      'Upload a material (PDF, JPEG or PNG judged by content; 10 MB at most; no active PDF content, images ≤ 12,000 px a side and 80 MP; the name gets the extension of the content); encrypted at rest; yours until attached',
    tags: ['materials'],
    access: { roles: ['applicant'] },
    before: [multipart()],
    body: z.object({ kind: z.enum(MATERIAL_KINDS) }),
    multipart: z.object({
      file: z.string().openapi({ type: 'string', format: 'binary', description: 'the file (PDF, JPEG or PNG)' }),
      kind: z.enum(MATERIAL_KINDS).openapi({
        description: 'id_card 身份证 / certificate 证书 / contract 劳动合同 / social_insurance 社保证明 / tax 个税证明 / achievement 业绩材料 / other',
      }),
    }),
    responses: { 201: { description: 'the stored material', schema: MaterialCreated } },
    problems: ['VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE', 'ACTIVE_CONTENT', 'IMAGE_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    handler: async ({ req, body }) => uploadMaterial(db, blobs, actorOf(req), body.kind, req.file),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/materials/audit',
    summary: 'Who downloaded the materials of a claim or title application, when, from which organisation',
    tags: ['materials'],
    access: { roles: ['auditor'] },
    query: z.object({ subjectType: z.string().min(1).max(64), subjectId: z.string().min(1).max(64) }),
    responses: {
      200: {
        description: 'downloads, oldest first',
        schema: z.array(
          z.object({
            materialId: z.string(),
            kind: z.string(),
            fileName: z.string(),
            username: z.string(),
            orgCode: z.string().nullable(),
            via: z.string(),
            at: z.string(),
          }),
        ),
      },
    },
    handler: async ({ query }) =>
      (await materialRepository.accessesOf(db, query.subjectType, query.subjectId)).map((a) => ({
        materialId: a.material_id,
        kind: a.kind,
        fileName: a.file_name,
        username: a.username,
        orgCode: a.org_code,
        via: a.via,
        at: iso(a.at)!,
      })),
  });

  defineRoute(router, {
    method: 'get',
    path: '/api/v1/materials/:id',
    summary: 'The file: to its uploader and to the clerks and experts whose task concerns its claim or application (404 to anyone else); audited',
    tags: ['materials'],
    access: { roles: 'any' },
    params: z.object({ id: z.string().max(64) }),
    rawResponse: ['application/pdf', 'image/jpeg', 'image/png'],
    responses: { 200: { description: 'the bytes, with their media type and file name' } },
    problems: ['NOT_FOUND'],
    handler: async ({ req, res, params }) => {
      const { material, content } = await downloadMaterial(db, blobs, actorOf(req), params.id);
      res.status(200);
      res.setHeader('Content-Type', material.content_type);
      res.setHeader('Content-Length', String(content.length));
      // always a download, never rendered in the API's origin (`?inline=true` is ignored), and never sniffed
      res.setHeader('Content-Disposition', contentDisposition(material.file_name, material.content_type));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('ETag', `"${material.id}"`);
      res.end(content);
      return undefined;
    },
  });

  defineRoute(router, {
    method: 'delete',
    path: '/api/v1/materials/:id',
    summary: 'Remove your upload before it is attached',
    tags: ['materials'],
    access: { roles: ['applicant'] },
    params: z.object({ id: z.string().max(64) }),
    responses: { 204: { description: 'removed' } },
    problems: ['NOT_FOUND', 'MATERIAL_UNAVAILABLE'],
    handler: async ({ req, params }) => {
      await removeUnattached(db, actorOf(req), params.id);
      return undefined;
    },
  });

  return router;
}
