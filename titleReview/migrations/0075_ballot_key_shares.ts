import { type Kysely, sql } from 'kysely';

/**
 * The ballot threshold option (issue 19): a session opened with `ballotThreshold` keeps no private key at all. Its
 * SM2 private scalar is split 2-of-3 (Shamir over the curve order) among the committee chair (x = 1) and the two
 * vice-chairs (x = 2, 3). Each share waits in `ballot_key_share.sealed` (SM4 AEAD under a `pii` key, bound to the
 * session, x and holder) until its holder collects it once in the console, when it is erased; `share_hash` (SM3 of
 * the share, which a share's 256 random bits make one-way) lets the API refuse a wrong share when it is presented;
 * `presented` holds a presented share (sealed likewise) until the count, which deletes every row of the session.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table zj_session add column ballot_threshold boolean not null default false`.execute(db);
  await sql`
    create table ballot_key_share (
      session_id text not null references ballot_key (session_id),
      x smallint not null check (x between 1 and 3),
      holder_expert_id text not null,
      share_hash bytea not null,
      sealed bytea,
      kek_id text,
      collected_at timestamptz,
      presented bytea,
      presented_kek_id text,
      presented_at timestamptz,
      primary key (session_id, x),
      unique (session_id, holder_expert_id)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ballot_key_share`.execute(db);
  await sql`alter table zj_session drop column ballot_threshold`.execute(db);
}
