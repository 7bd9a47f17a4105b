import { type Kysely, sql } from 'kysely';
import { blindIndex, isBlindIndex } from '../crypto/blindIndex';
import { encryptPii, isCiphertext } from '../crypto/personalData';

/** the tables holding personal data when this migration ran (a migration keeps its own list: it ran once, as it was) */
const PII_TABLES: { table: string; indexed: string[]; encrypted: string[] }[] = [
  { table: 'app_user', indexed: ['id_number'], encrypted: ['phone'] },
  { table: 'claim', indexed: ['applicant_id_number'], encrypted: ['applicant_phone'] },
  { table: 'claim_view', indexed: ['applicant_id_number'], encrypted: [] },
  { table: 'blacklist', indexed: ['id_number'], encrypted: [] },
  { table: 'zj_application', indexed: ['applicant_id_number'], encrypted: ['applicant_phone'] },
  { table: 'title_grant', indexed: ['id_number'], encrypted: [] },
  { table: 'title_ban', indexed: ['id_number'], encrypted: [] },
  { table: 'task', indexed: ['subject_person_id'], encrypted: [] },
  { table: 'identity_dispute', indexed: ['id_number'], encrypted: [] },
];

/**
 * Personal data at rest (docs/security.md, "Personal data"): every ID-number column gets a `<column>_enc` sibling
 * for its SM4 ciphertext and keeps only the keyed blind index (equality lookups, joins, unique indexes still work);
 * phone columns keep only their ciphertext. Existing rows are converted here with the key set outside the database
 * (this migration therefore needs the keys: PII_KEYS or the key file). The claim view's build and refresh functions
 * are redefined to carry the ciphertexts (the API decrypts and masks).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const t of PII_TABLES) {
    if (t.table === 'claim_view') continue; // encryptClaimView
    for (const c of t.indexed) await sql`alter table ${sql.table(t.table)} add column ${sql.ref(`${c}_enc`)} text`.execute(db);
  }
  await encryptClaimView(db);
  // existing rows (a deployed database): index + encrypt, skipping values already converted
  for (const t of PII_TABLES) {
    if (t.table === 'claim_view') continue; // rebuilt from claim below
    const cols = [...t.indexed, ...t.encrypted];
    const rows = (
      await sql<Record<string, string | null>>`select ctid::text as ctid, ${sql.join(cols.map((c) => sql.ref(c)))} from ${sql.table(t.table)}`.execute(db)
    ).rows;
    for (const r of rows) {
      const sets = [];
      for (const c of t.indexed)
        if (r[c] != null && !isBlindIndex(r[c])) sets.push(sql`${sql.ref(c)} = ${blindIndex(r[c]!)}`, sql`${sql.ref(`${c}_enc`)} = ${encryptPii(r[c]!)}`);
      for (const c of t.encrypted) if (r[c] != null && !isCiphertext(r[c])) sets.push(sql`${sql.ref(c)} = ${encryptPii(r[c]!)}`);
      if (sets.length) await sql`update ${sql.table(t.table)} set ${sql.join(sets)} where ctid = ${r.ctid}::tid`.execute(db);
    }
  }
  await refreshClaimView(db);
}

/**
 * The claim view (migration 0006) with ciphertexts: its ciphertext column, and its build/refresh functions redefined
 * to carry `claim.applicant_id_number_enc` (also used by the claim-view test that re-runs 0006).
 */
export async function encryptClaimView(db: Kysely<any>): Promise<void> {
  await sql`alter table claim_view add column if not exists applicant_id_number_enc text`.execute(db);
  // the claim view carries the ciphertexts; the API decrypts them (piiPlugin) and masks per viewer
  const fn = async (sig: string, edit: (src: string) => string) => {
    const src = (await sql<{ d: string }>`select pg_get_functiondef(${sig}::regprocedure) as d`.execute(db)).rows[0]!.d;
    const out = edit(src);
    if (out === src) throw new Error(`0021: ${sig} was not changed`);
    await sql.raw(out).execute(db);
  };
  await fn('claim_view_build(text)', (s) => s.replace(`'idNumber', c.applicant_id_number,`, `'idNumber', c.applicant_id_number_enc,`));
  await fn('claim_view_refresh(text)', (s) =>
    s
      .replace(
        'insert into claim_view (claim_id, application_no, applicant_id_number, applicant_user_id,',
        'insert into claim_view (claim_id, application_no, applicant_id_number, applicant_id_number_enc, applicant_user_id,',
      )
      .replace(
        'select c.id, c.application_no, c.applicant_id_number, c.applicant_user_id,',
        'select c.id, c.application_no, c.applicant_id_number, c.applicant_id_number_enc, c.applicant_user_id,',
      )
      .replace(
        'applicant_id_number = c.applicant_id_number, applicant_user_id',
        'applicant_id_number = c.applicant_id_number, applicant_id_number_enc = c.applicant_id_number_enc, applicant_user_id',
      ),
  );
  await refreshClaimView(db);
}

/** Rebuilds every claim's projection from the claim (after its rows or the functions changed). */
export async function refreshClaimView(db: Kysely<any>): Promise<void> {
  await sql`update claim_view v set applicant_id_number = c.applicant_id_number, applicant_id_number_enc = c.applicant_id_number_enc, view = claim_view_build(c.id) from claim c where c.id = v.claim_id`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('0021_personal_data_encryption is not reversible: restoring plain-text personal data is not offered');
}
