import { type Kysely, sql } from 'kysely';

/**
 * The ballot's private key apart (issue 19, finding 11): each open session's wrapped private key lives in a table of
 * its own, `ballot_private_key`, wrapped by a key of the BALLOT key set (BALLOT_KEYS, not the API's PII_KEYS). At the
 * close the row is deleted and the table rewritten (VACUUM FULL, in the close activity after its transaction
 * commits), so no dead row version of it stays on any page; `ballot_key` keeps only the public key. Keys wrapped
 * before move here (the old column versions in ballot_key go with the next VACUUM of that table).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table ballot_private_key (
      session_id text primary key references ballot_key (session_id),
      sealed bytea not null,
      kek_id text not null
    )`.execute(db);
  await sql`
    insert into ballot_private_key (session_id, sealed, kek_id)
    select session_id, sealed_private_key, kek_id from ballot_key where sealed_private_key is not null and kek_id is not null`.execute(db);
  await sql`update ballot_key set sealed_private_key = null, kek_id = null where sealed_private_key is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update ballot_key k set sealed_private_key = p.sealed, kek_id = p.kek_id from ballot_private_key p where p.session_id = k.session_id`.execute(db);
  await sql`drop table ballot_private_key`.execute(db);
}
