/** All SQL of the materials area (tables of 0025_materials). */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { MaterialTable } from './schema';
import type { MaterialKind, MaterialMediaType, MaterialSubjectType } from './requirements';

export type Material = Selectable<MaterialTable>;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertMaterial(
  db: Db,
  m: { id: string; ownerUserId: number; kind: MaterialKind; fileName: string; contentType: MaterialMediaType; size: number; contentAddress: string },
): Promise<Material> {
  return db
    .insertInto('material')
    .values({
      id: m.id,
      owner_user_id: m.ownerUserId,
      kind: m.kind,
      file_name: m.fileName,
      content_type: m.contentType,
      size: m.size,
      sha256: null,
      content_address: m.contentAddress,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Removes an upload that is not attached to a subject (an attached one stays). */
export async function deleteUnattachedMaterial(db: Db, id: string): Promise<void> {
  await db.deleteFrom('material').where('id', '=', id).where('subject_id', 'is', null).execute();
}

export async function findMaterial(db: Db, id: string): Promise<Material | undefined> {
  return db.selectFrom('material').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findMaterials(db: Db, ids: readonly string[]): Promise<Material[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('material')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function materialsOf(db: Db, subjectType: string, subjectId: string): Promise<Material[]> {
  return db
    .selectFrom('material')
    .selectAll()
    .where('subject_type', '=', subjectType as MaterialSubjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('attached_at')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Bytes an account has uploaded and not attached yet. */
export async function unattachedBytes(db: Db, ownerUserId: number): Promise<number> {
  const r = await db
    .selectFrom('material')
    .select(sql<string>`coalesce(sum(size), 0)`.as('n'))
    .where('owner_user_id', '=', ownerUserId)
    .where('subject_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * Attaches the owner's unattached materials to a subject, in the caller's transaction. Answers how many were
 * attached: fewer than asked means one was taken meanwhile (the caller refuses and rolls back).
 */
export async function attachMaterials(
  trx: Db,
  ownerUserId: number,
  ids: readonly string[],
  subjectType: MaterialSubjectType,
  subjectId: string,
  at: Date,
): Promise<number> {
  if (!ids.length) return 0;
  const rows = await trx
    .updateTable('material')
    .set({ subject_type: subjectType, subject_id: subjectId, attached_at: at })
    .where('id', 'in', [...ids])
    .where('owner_user_id', '=', ownerUserId)
    .where('subject_id', 'is', null)
    .returning('id')
    .execute();
  return rows.length;
}

export async function recordAccess(
  db: Db,
  e: { materialId: string; subjectType: string | null; subjectId: string | null; userId: number; username: string; orgCode: string | null; via: string },
): Promise<void> {
  await db
    .insertInto('material_access')
    .values({
      material_id: e.materialId,
      subject_type: e.subjectType,
      subject_id: e.subjectId,
      user_id: e.userId,
      username: e.username,
      org_code: e.orgCode,
      via: e.via,
    })
    .execute();
}

export async function accessesOf(db: Db, subjectType: string, subjectId: string) {
  return db
    .selectFrom('material_access')
    .innerJoin('material', 'material.id', 'material_access.material_id')
    .select([
      'material_access.material_id',
      'material.kind',
      'material.file_name',
      'material_access.username',
      'material_access.org_code',
      'material_access.via',
      'material_access.at',
    ])
    .where('material_access.subject_type', '=', subjectType)
    .where('material_access.subject_id', '=', subjectId)
    .orderBy('material_access.at')
    .orderBy('material_access.id')
    .execute();
}

/** The kinds a reviewer named when asking for supplements (the latest request of that task wins). */
export async function recordRequest(
  db: Db,
  r: { taskId: string; subjectType: string; subjectId: string; kinds: string[]; requestedBy: string },
): Promise<void> {
  await db
    .insertInto('material_request')
    .values({ task_id: r.taskId, subject_type: r.subjectType, subject_id: r.subjectId, kinds: r.kinds, requested_by: r.requestedBy, requested_at: new Date() })
    .onConflict((oc) => oc.column('task_id').doUpdateSet({ kinds: r.kinds, requested_by: r.requestedBy, requested_at: new Date() }))
    .execute();
}

export async function requestOf(db: Db, taskId: string): Promise<{ kinds: string[]; requestedAt: Date } | undefined> {
  const r = await db.selectFrom('material_request').select(['kinds', 'requested_at']).where('task_id', '=', taskId).executeTakeFirst();
  return r ? { kinds: r.kinds, requestedAt: new Date(r.requested_at) } : undefined;
}

/**
 * Whether the actor has (or had) a task on the subject: the task's organisation and role, and not about
 * themselves (the rule of the inbox).
 */
export async function hasTaskOn(
  db: Db,
  actor: { orgCode: string | null; roles: string[]; idNumber?: string | null },
  subjectType: string,
  subjectId: string,
): Promise<boolean> {
  if (!actor.orgCode || !actor.roles.length) return false;
  const r = await db
    .selectFrom('task')
    .select('id')
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('org_code', '=', actor.orgCode)
    .where('role', 'in', actor.roles)
    .where((eb) => eb.or([eb('subject_person_id', 'is', null), eb('subject_person_id', '<>', actor.idNumber ?? '-')]))
    .limit(1)
    .executeTakeFirst();
  return !!r;
}

export type ContentKey = { address: string; kek_id: string; wrapped_key: Buffer; size: number };

export async function findContentKey(db: Db, address: string): Promise<ContentKey | undefined> {
  return db.selectFrom('material_content').select(['address', 'kek_id', 'wrapped_key', 'size']).where('address', '=', address).executeTakeFirst();
}

/** Records a sealed content's wrapped data key; answers the row that is there (another upload's, after a race). */
export async function insertContentKey(db: Db, k: ContentKey): Promise<ContentKey> {
  await db
    .insertInto('material_content')
    .values(k)
    .onConflict((oc) => oc.column('address').doNothing())
    .execute();
  return (await findContentKey(db, k.address))!;
}

/** Data keys wrapped under another key than `kekId` (for the rotation). */
export async function contentKeysNotUnder(db: Db, kekId: string): Promise<ContentKey[]> {
  return db.selectFrom('material_content').select(['address', 'kek_id', 'wrapped_key', 'size']).where('kek_id', '<>', kekId).execute();
}

export async function rewrapContentKey(db: Db, address: string, fromKekId: string, k: { kekId: string; wrappedKey: Buffer }): Promise<void> {
  await db
    .updateTable('material_content')
    .set({ kek_id: k.kekId, wrapped_key: k.wrappedKey })
    .where('address', '=', address)
    .where('kek_id', '=', fromKekId)
    .execute();
}

/** Materials stored before 0045 (plain blob under their sha256). */
export async function plainMaterials(db: Db): Promise<Material[]> {
  return db.selectFrom('material').selectAll().where('content_address', 'is', null).orderBy('created_at').execute();
}

/** Points a material stored in plain at its sealed content. */
export async function markSealed(db: Db, id: string, contentAddress: string): Promise<void> {
  await db.updateTable('material').set({ content_address: contentAddress, sha256: null }).where('id', '=', id).where('content_address', 'is', null).execute();
}

/** Whether a material still points at this plain blob. */
export async function plainBlobInUse(db: Db, sha256: string): Promise<boolean> {
  return !!(await db.selectFrom('material').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst());
}

/** Stores sealed content under its address in `material_blob` (a no-op when it is there already). */
export async function insertBlobOnce(db: Db, address: string, content: Buffer): Promise<void> {
  await db
    .insertInto('material_blob')
    .values({ address, size: content.length, content })
    .onConflict((oc) => oc.column('address').doNothing())
    .execute();
}

/** Removes the content stored under the address (a plain copy once it is sealed). */
export async function deleteBlob(db: Db, address: string): Promise<void> {
  await db.deleteFrom('material_blob').where('address', '=', address).execute();
}
