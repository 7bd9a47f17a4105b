import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import type { Database } from './schema';
import { PiiPlugin } from '../platform/crypto/piiPlugin';

// bigint ids (bigserial) as strings, counts via Number() where needed; dates stay Date
types.setTypeParser(types.builtins.INT8, (v) => v);

export function createDb(connectionString: string, opts: { max?: number } = {}): Kysely<Database> {
  const pool = new Pool({ connectionString, max: opts.max ?? 10, connectionTimeoutMillis: 5000 });
  // an idle client losing its server (database restart) must not crash the process
  pool.on('error', () => undefined);
  // …nor a checked-out one (the pool re-emits errors of idle clients only; the query in flight fails with the
  // error and the dead client is dropped on release)
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  // ID and phone numbers are encrypted at rest, with blind indexes for lookups (docs/security.md)
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PiiPlugin()] });
}
