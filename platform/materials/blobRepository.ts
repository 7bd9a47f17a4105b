/** The one writer of the `material_blob` table (the Postgres BlobStore, blobStore.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Stores the content under its sha256 (a no-op if it is there already). */
export async function insertBlob(db: Kysely<Database>, sha256: string, content: Buffer): Promise<void> {
  await db
    .insertInto('material_blob')
    .values({ sha256, size: content.length, content })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
}
