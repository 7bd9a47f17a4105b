import { type Kysely, sql } from 'kysely';

/**
 * A message that carries a secret (a one-time password) keeps its body only sealed (SM4 AEAD under a `pii` key,
 * bound to the message's event key and recipient): `body` holds a placeholder, `body_sealed` the text, opened only to
 * send the SMS and to show the message to its recipient, and erased once the password has been changed.
 * A one-time-password message written before keeps its clear body until its recipient changes the password, when
 * the bodies of all their one-time-password messages are erased (eraseSecretBodies).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notification add column body_sealed bytea, add column body_kek_id text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notification drop column body_sealed, drop column body_kek_id`.execute(db);
}
