/**
 * Materials use cases: upload (content-checked, content-addressed), attach to a claim / title application /
 * supplement (ownership, required kinds, size per subject), and read (owner, or the clerks and experts whose
 * task concerns the subject; every download audited).
 */
import { subjectProvider } from '../plugins/registry';
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { iso } from '../http/views';
import type { Actor } from '../tasks/messages';
import type { BlobStore } from './blobStore';
import { sha256Hex } from './blobStore';
import { imageDimensions, imageTooLarge, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, pdfActiveContent, safeFileName } from './contentChecks';
import { readContent, storeSealed } from './sealedContent';
import * as repo from './repository';
import type { Material } from './repository';
import {
  MATERIAL_KIND_LABELS,
  MAX_FILE_BYTES,
  MAX_SUBJECT_BYTES,
  MAX_SUBJECT_FILES,
  MAX_UNATTACHED_BYTES,
  missingKinds,
  sniffMediaType,
  type MaterialKind,
  type MaterialMediaType,
  type MaterialSubjectType,
} from './requirements';

/** The created material; `sha256` is the plain hash of the bytes for the uploader to check (it is not stored). */
export function materialView(m: Material, sha256: string) {
  return { id: m.id, kind: m.kind, fileName: m.file_name, contentType: m.content_type, size: m.size, sha256 };
}

/** How a subject's materials are listed on its read (claim, title application, task). */
export function materialListItem(m: Material) {
  return { id: m.id, kind: m.kind, fileName: m.file_name, contentType: m.content_type, size: m.size, attachedAt: iso(m.attached_at) };
}

export async function listMaterials(db: Kysely<Database>, subjectType: MaterialSubjectType, subjectId: string) {
  return (await repo.materialsOf(db, subjectType, subjectId)).map(materialListItem);
}

export interface UploadedFile {
  buffer: Buffer;
  originalname?: string;
  size: number;
}

export async function uploadMaterial(db: Kysely<Database>, blobs: BlobStore, actor: Actor, kind: MaterialKind, file: UploadedFile | undefined) {
  if (!file) throw new Problem('VALIDATION_FAILED', 'send the file as the multipart/form-data part named "file"');
  if (file.size === 0 || file.buffer.length === 0) throw new Problem('VALIDATION_FAILED', 'the file is empty');
  if (file.buffer.length > MAX_FILE_BYTES)
    throw new Problem('PAYLOAD_TOO_LARGE', `a file may have at most ${MAX_FILE_BYTES / 1024 / 1024} MB`, { maxBytes: MAX_FILE_BYTES });
  const contentType = sniffMediaType(file.buffer);
  if (!contentType) throw new Problem('UNSUPPORTED_MEDIA_TYPE', 'the content is not a PDF, JPEG or PNG file (judged by its bytes, not its name)');
  if ((await repo.unattachedBytes(db, actor.userId)) + file.buffer.length > MAX_UNATTACHED_BYTES) {
    throw new Problem('PAYLOAD_TOO_LARGE', `at most ${MAX_UNATTACHED_BYTES / 1024 / 1024} MB of files may wait to be attached; submit or remove some first`, {
      maxBytes: MAX_UNATTACHED_BYTES,
    });
  }
  if (contentType === 'application/pdf') {
    const active = pdfActiveContent(file.buffer);
    if (active.length)
      throw new Problem('ACTIVE_CONTENT', `the PDF carries ${active.map((a) => (a === 'unreadable' ? 'streams too large to check' : `/${a}`)).join(', ')}`, {
        found: active,
      });
  } else {
    const d = imageDimensions(file.buffer, contentType);
    if (d && imageTooLarge(d))
      throw new Problem(
        'IMAGE_TOO_LARGE',
        `the image declares ${d.width}×${d.height} pixels (at most ${MAX_IMAGE_SIDE} a side, ${MAX_IMAGE_PIXELS / 1e6} megapixels)`,
        {
          width: d.width,
          height: d.height,
        },
      );
  }
  const contentAddress = await storeSealed(db, blobs, actor.userId, file.buffer);
  const m = await repo.insertMaterial(db, {
    id: randomUUID(),
    ownerUserId: actor.userId,
    kind,
    fileName: safeFileName(file.originalname, contentType),
    contentType,
    size: file.buffer.length,
    contentAddress,
  });
  return materialView(m, sha256Hex(file.buffer));
}

/** Removes an upload that is not attached yet (the console's "remove before submit"). */
export async function removeUnattached(db: Kysely<Database>, actor: Actor, id: string): Promise<void> {
  const m = UUID.test(id) ? await repo.findMaterial(db, id) : undefined;
  if (!m || m.owner_user_id !== actor.userId) throw new Problem('NOT_FOUND', 'no such material');
  if (m.subject_id) throw new Problem('MATERIAL_UNAVAILABLE', 'the material is attached to an application and stays with it');
  await repo.deleteUnattachedMaterial(db, id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AttachPlan {
  subjectType: MaterialSubjectType;
  ownerUserId: number;
  ids: string[];
}

/**
 * Checks, before anything is written, the materials a submission names: each the caller's own and not attached yet
 * (else 422 MATERIAL_UNAVAILABLE), together with those already attached covering `required` (else 422
 * MATERIALS_MISSING listing the kinds), and at most MAX_SUBJECT_BYTES in all (else 413).
 */
export async function planAttachment(
  db: Kysely<Database>,
  input: { subjectType: MaterialSubjectType; ownerUserId: number; ids: readonly string[] | undefined; required: readonly string[]; already?: Material[] },
): Promise<AttachPlan> {
  const ids = [...new Set(input.ids ?? [])];
  const bad = ids.filter((id) => !UUID.test(id));
  const found = await repo.findMaterials(
    db,
    ids.filter((id) => UUID.test(id)),
  );
  const usable = found.filter((m) => m.owner_user_id === input.ownerUserId && m.subject_id == null);
  const unavailable = [...bad, ...ids.filter((id) => UUID.test(id) && !usable.some((m) => m.id === id))];
  if (unavailable.length) {
    throw new Problem('MATERIAL_UNAVAILABLE', `not yours to attach (unknown, someone else's, or already attached): ${unavailable.join(', ')}`, {
      ids: unavailable,
    });
  }
  const already = input.already ?? [];
  const missing = missingKinds(
    input.required,
    [...already, ...usable].map((m) => m.kind),
  );
  if (missing.length) {
    throw new Problem('MATERIALS_MISSING', `missing materials: ${missing.map((k) => `${MATERIAL_KIND_LABELS[k as MaterialKind] ?? k} (${k})`).join(', ')}`, {
      missing,
    });
  }
  const all = [...already, ...usable];
  if (all.length > MAX_SUBJECT_FILES)
    throw new Problem('PAYLOAD_TOO_LARGE', `at most ${MAX_SUBJECT_FILES} files per application`, { maxFiles: MAX_SUBJECT_FILES });
  const bytes = all.reduce((n, m) => n + m.size, 0);
  if (bytes > MAX_SUBJECT_BYTES) {
    throw new Problem('PAYLOAD_TOO_LARGE', `the materials of one application may have at most ${MAX_SUBJECT_BYTES / 1024 / 1024} MB in all`, {
      maxBytes: MAX_SUBJECT_BYTES,
    });
  }
  return { subjectType: input.subjectType, ownerUserId: input.ownerUserId, ids };
}

/** The materials a new claim / title application needs, checked as planAttachment does. */
export function planSubmission(
  db: Kysely<Database>,
  subjectType: MaterialSubjectType,
  kind: string,
  ownerUserId: number,
  ids: readonly string[] | undefined,
): Promise<AttachPlan> {
  return planAttachment(db, { subjectType, ownerUserId, ids, required: subjectProvider(subjectType)?.requiredMaterials?.(kind) ?? [] });
}

/** Attaches a checked plan inside the submission's transaction: a material taken meanwhile refuses (rolls back). */
export async function attachPlanned(trx: Transaction<Database> | Kysely<Database>, plan: AttachPlan, subjectId: string, at = new Date()): Promise<void> {
  const n = await repo.attachMaterials(trx, plan.ownerUserId, plan.ids, plan.subjectType, subjectId, at);
  if (n !== plan.ids.length) throw new Problem('MATERIAL_UNAVAILABLE', 'a material was attached elsewhere meanwhile; upload it again');
}

/** Why the actor may read the material ('owner' | 'task' | 'committee'), or null. */
export async function readAccess(db: Kysely<Database>, actor: Actor, m: Material): Promise<string | null> {
  if (m.owner_user_id === actor.userId) return 'owner';
  if (!m.subject_type || !m.subject_id) return null;
  if (await repo.hasTaskOn(db, actor, m.subject_type, m.subject_id)) return 'task';
  if (await subjectProvider(m.subject_type)?.extraReader?.(db, actor, m.subject_id)) return 'committee';
  return null;
}

/** Whether the actor may read a subject's materials (the same rule, for listing them on a task page). */
export async function canReadSubject(db: Kysely<Database>, actor: Actor, subjectType: MaterialSubjectType, subjectId: string): Promise<boolean> {
  if (await repo.hasTaskOn(db, actor, subjectType, subjectId)) return true;
  return (await subjectProvider(subjectType)?.extraReader?.(db, actor, subjectId)) ?? false;
}

/** The bytes for a reader (404 to anyone else: not telling whether it exists); the download is audited first. */
export async function downloadMaterial(db: Kysely<Database>, blobs: BlobStore, actor: Actor, id: string) {
  const m = UUID.test(id) ? await repo.findMaterial(db, id) : undefined;
  const via = m ? await readAccess(db, actor, m) : null;
  if (!m || !via) throw new Problem('NOT_FOUND', 'no such material');
  const content = await readContent(db, blobs, m);
  if (!content) throw new Error(`material ${m.id}: its content ${m.content_address ?? m.sha256} is missing from the ${blobs.name} store`);
  await repo.recordAccess(db, {
    materialId: m.id,
    subjectType: m.subject_type,
    subjectId: m.subject_id,
    userId: actor.userId,
    username: actor.username,
    orgCode: actor.orgCode,
    via,
  });
  return { material: m, content };
}

/**
 * Content-Disposition, always `attachment` (a stored file is never rendered by the browser in the API's origin),
 * with the name (cleaned again: rows from before 0045 kept the uploader's) in ASCII and UTF-8 (RFC 6266 / 5987).
 */
export function contentDisposition(stored: string, mediaType: MaterialMediaType): string {
  const fileName = safeFileName(stored, mediaType);
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const utf8 = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/**
 * The supplement of a claim: the new files must cover the kinds the reviewer named (missingKinds of the paused
 * task's request), they are attached to the claim in the same step.
 */
export async function planSupplement(
  db: Kysely<Database>,
  input: { subjectType: MaterialSubjectType; subjectId: string; taskId: string; ownerUserId: number; ids: readonly string[] | undefined },
): Promise<AttachPlan> {
  const asked = await repo.requestOf(db, input.taskId);
  const existing = await repo.materialsOf(db, input.subjectType, input.subjectId);
  // the kinds asked for come as new files: those sent now, or attached since the request (an earlier attempt of
  // this supplement whose answer was lost)
  const sinceRequest = asked ? existing.filter((m) => m.attached_at && new Date(m.attached_at) >= asked.requestedAt) : [];
  const plan = await planAttachment(db, {
    subjectType: input.subjectType,
    ownerUserId: input.ownerUserId,
    ids: input.ids,
    required: asked?.kinds ?? [],
    already: sinceRequest,
  });
  const fresh = await repo.findMaterials(db, plan.ids);
  const all = [...existing, ...fresh];
  if (all.length > MAX_SUBJECT_FILES)
    throw new Problem('PAYLOAD_TOO_LARGE', `at most ${MAX_SUBJECT_FILES} files per application`, { maxFiles: MAX_SUBJECT_FILES });
  if (all.reduce((n, m) => n + m.size, 0) > MAX_SUBJECT_BYTES) {
    throw new Problem('PAYLOAD_TOO_LARGE', `the materials of one application may have at most ${MAX_SUBJECT_BYTES / 1024 / 1024} MB in all`, {
      maxBytes: MAX_SUBJECT_BYTES,
    });
  }
  return plan;
}

/** Records the kinds a reviewer asks for (request_supplement); the timeline row of the request then names them. */
export async function recordSupplementRequest(
  db: Kysely<Database>,
  task: { id: string; subject_type: string; subject_id: string },
  kinds: readonly string[] | undefined,
  by: string,
): Promise<void> {
  await repo.recordRequest(db, {
    taskId: task.id,
    subjectType: task.subject_type,
    subjectId: task.subject_id,
    kinds: [...new Set(kinds ?? [])],
    requestedBy: by,
  });
}

export { repo as materialRepository };

/** A title application's `materials`: the ids to attach ([id…], or `files` of the free-form description). */
export function materialIdsOf(materials: unknown): string[] {
  if (Array.isArray(materials)) return materials.filter((x): x is string => typeof x === 'string');
  const files = (materials as { files?: unknown } | undefined)?.files;
  return Array.isArray(files) ? files.filter((x): x is string => typeof x === 'string') : [];
}

/** A title application's free-form description (none when only ids were sent). */
export function materialNotesOf(materials: unknown): Record<string, unknown> {
  return materials && typeof materials === 'object' && !Array.isArray(materials) ? (materials as Record<string, unknown>) : {};
}
