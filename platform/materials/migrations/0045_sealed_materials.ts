import { type Kysely, sql } from 'kysely';

/**
 * Materials encrypted at rest (issue 19, finding 2). Each stored content is sealed with SM4 (authenticated, see
 * platform/crypto/sm4.ts) under its own random data key; the data key is wrapped by a `pii` key of the key set and
 * kept in `material_content` (so a key rotation re-wraps 48-byte keys, not the files; the S3 store holds only
 * ciphertext). The content address is a keyed hash (HMAC-SM3 under a `blind` key) of the owner and the bytes:
 * the same file uploaded twice by one person is stored once, and nobody with the storage alone can tell that two
 * people uploaded the same file, nor test whether a known file is stored.
 *
 * Rows from before keep their plain `sha256` and plain blob until `npm run rotate-keys` seals them; both forms read.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table material_blob rename column sha256 to address`.execute(db);
  await sql`alter table material_blob drop constraint if exists material_blob_sha256_check`.execute(db);
  await sql`alter table material_blob add constraint material_blob_address_check check (address ~ '^([a-z0-9]{1,16}[.])?[0-9a-f]{64}$')`.execute(db);
  await sql`
    create table material_content (
      address text primary key check (address ~ '^[a-z0-9]{1,16}[.][0-9a-f]{64}$'),
      kek_id text not null,
      wrapped_key bytea not null,
      size integer not null check (size > 0),
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table material add column content_address text references material_content (address)`.execute(db);
  await sql`alter table material alter column sha256 drop not null`.execute(db);
  await sql`alter table material add constraint material_one_content check ((sha256 is null) <> (content_address is null))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table material drop constraint material_one_content`.execute(db);
  await sql`alter table material drop column content_address`.execute(db);
  await sql`drop table material_content`.execute(db);
  await sql`alter table material_blob drop constraint material_blob_address_check`.execute(db);
  await sql`alter table material_blob rename column address to sha256`.execute(db);
}
