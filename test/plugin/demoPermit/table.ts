/**
 * The demo permit's one table. A real process adds a migration (its folder's migrations/, registered in
 * db/migrator.ts) and its table type to db/schema.ts; this test-only domain creates the table in the test's own
 * database and reads it through its own Kysely type, so nothing outside test/plugin/ changes. The ID number is
 * stored as the kernel stores every one (platform/crypto/piiPlugin.ts): its blind index in the column, its
 * ciphertext in `<column>_enc`; the plug-in declares the table in `personalData` for key rotation.
 */
import { type Kysely, sql } from 'kysely';

export interface DemoPermitTable {
  id: string;
  reference: string;
  kind: string;
  status: string;
  stage: string;
  applicant_name: string;
  applicant_id_number: string;
  submitted_at: Date;
  closed_at: Date | null;
}

export interface DemoDatabase {
  demo_permit: DemoPermitTable;
}

/** The table, as the domain's migration would create it. */
export async function createDemoPermitTable(db: Kysely<never>): Promise<void> {
  await sql`
    create table demo_permit (
      id text primary key,
      reference text not null unique,
      kind text not null,
      status text not null,
      stage text not null,
      applicant_name text not null,
      applicant_id_number text not null,
      applicant_id_number_enc text,
      submitted_at timestamptz not null,
      closed_at timestamptz
    )`.execute(db);
}

/** The kernel hands every domain its Kysely<Database>; the demo reads its own table through its own type. */
export const demoDb = (db: unknown) => db as Kysely<DemoDatabase>;
