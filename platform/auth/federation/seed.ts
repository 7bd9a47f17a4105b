/** The demo clerks' 浙政钉 account ids (development mode): each demo account with a clerk role gets a stable one. */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema';
import { CLERK_ROLES } from '../roles';

/** a stable 8-digit 浙政钉 account id for a demo username */
export const demoZzdAccountId = (username: string) =>
  String((parseInt(createHash('sha256').update(username).digest('hex').slice(0, 8), 16) % 90_000_000) + 10_000_000);

export async function seedDemoFederatedIdentities(db: Kysely<Database>, provider = 'zzd'): Promise<number> {
  const clerks = await db
    .selectFrom('app_user')
    .select(['id', 'username'])
    .where('is_demo', '=', true)
    .where(sql<boolean>`roles && ${sql.val([...CLERK_ROLES])}::text[]`)
    .execute();
  if (!clerks.length) return 0;
  const r = await db
    .insertInto('federated_identity')
    .values(clerks.map((c) => ({ provider, subject: demoZzdAccountId(c.username), user_id: c.id, created_by: 'seed' })))
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}
