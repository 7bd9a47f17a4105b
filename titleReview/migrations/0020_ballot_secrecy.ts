import { type Kysely, sql } from 'kysely';

/**
 * The secret ballot, safe against whoever reads the database files, WAL, replicas or backups (docs/security.md,
 * "The ballot scheme"):
 * - `ballot_key`: each session's SM2-curve public key, and its private key wrapped (SM4 AEAD) by a `ballot` key
 *   held outside the database; the wrapped private key is erased when the ballot is counted;
 * - `ballot_paper`: append-only, one fixed-size ciphertext per ballot, random id, no voter, no time; never updated
 *   or deleted (a trigger refuses both), so no running box is rewritten;
 * - `ballot_voter.token_hash`: SM3 of the random token sealed inside that voter's paper, written in a later
 *   transaction than the paper; only papers whose token a voter row carries are counted (a paper written by a
 *   request that then failed is never counted, and one voter can never count twice).
 * `ballot_vote` (the old plain-text box) stays, read only at the count, for ballots cast before this migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ballot_key')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('zj_session.id'))
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('sealed_private_key', 'bytea')
    .addColumn('kek_id', 'text')
    .execute();
  await db.schema
    .createTable('ballot_paper')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('zj_session.id'))
    .addColumn('sealed', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ballot_paper_session').on('ballot_paper').column('session_id').execute();
  await sql`
    create function ballot_paper_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'ballot papers are append-only: % refused', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`create trigger ballot_paper_append_only before update or delete on ballot_paper for each row execute function ballot_paper_append_only()`.execute(
    db,
  );
  await db.schema.alterTable('ballot_voter').addColumn('token_hash', 'bytea').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('ballot_voter').dropColumn('token_hash').execute();
  await db.schema.dropTable('ballot_paper').execute();
  await sql`drop function if exists ballot_paper_append_only()`.execute(db);
  await db.schema.dropTable('ballot_key').execute();
}
