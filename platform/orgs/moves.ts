/**
 * An employer moved to another town/zone or regulator: each installed domain notes what that means for the
 * employer's open cases (DomainPlugin.orgs.employerMoved), inside the move's transaction.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { OrgRecord } from './orgInput';
import { domains } from '../plugins/registry';

/** answers how many open cases got a note */
export async function noteMoves(
  trx: Transaction<Database>,
  moves: { code: string; before: OrgRecord; after: OrgRecord }[],
  actor: string,
  at: Date,
): Promise<number> {
  const moved = moves.filter(
    (m) =>
      m.before.certRereviewOrgCode !== m.after.certRereviewOrgCode ||
      m.before.regulatorCode !== m.after.regulatorCode ||
      m.before.townCode !== m.after.townCode,
  );
  if (!moved.length) return 0;
  let noted = 0;
  for (const d of domains()) noted += (await d.orgs?.employerMoved?.(trx, moved, actor, at)) ?? 0;
  return noted;
}
