/**
 * The policy-edition service: which edition is in force, the dry run and the publication of a new edition
 * (admin only, audited with who and why). Editions are immutable; a correction is a new edition.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { Problem } from '../http/problem';
import { recordAudit } from '../admin/audit';
import type { Actor } from '../tasks/messages';
import { editionAt, effectiveEnd, mergeParameters, normaliseInstant, publicationRefusal, type PolicyEdition } from './edition';
import { findEdition, insertEdition, listEditions, lockPolicy } from './repository';
import type { PolicyDomain, PolicyImpact } from './domain';

/** The edition of `policy` in force at `at`; none → 422 POLICY_NOT_IN_FORCE naming the editions and their dates. */
export async function editionInForce(db: Kysely<Database>, policy: string, at: Date): Promise<PolicyEdition> {
  const all = await listEditions(db, policy);
  const e = editionAt(all, policy, at);
  if (e) return e;
  const editions = all.map((x) => ({ id: x.id, title: x.title, effectiveFrom: x.effectiveFrom, effectiveTo: effectiveEnd(x, all) }));
  throw new Problem('POLICY_NOT_IN_FORCE', `no edition of ${policy} is in force on ${at.toISOString()}`, { policy, at: at.toISOString(), editions });
}

/**
 * The edition whose procedural parameters a stage opening at `at` uses (程序从新): the one in force then; when none
 * is (the policy expired while the case ran), the case's own edition, so running cases finish.
 */
export async function proceduralEdition(db: Kysely<Database>, policy: string, at: Date, pinnedEditionId: string | null): Promise<PolicyEdition> {
  const all = await listEditions(db, policy);
  const e = editionAt(all, policy, at) ?? all.find((x) => x.id === pinnedEditionId) ?? null;
  if (!e) throw new Error(`no edition of ${policy} in force at ${at.toISOString()} and none pinned (${pinnedEditionId})`);
  return e;
}

export interface EditionRequest {
  policy: string;
  basedOn?: string;
  title?: string;
  documentNo?: string | null;
  issuer?: string;
  effectiveFrom: string;
  effectiveTo?: string | null;
  parameters: Record<string, unknown>;
  /** optional clause per changed parameter (else the base edition's, else the schema's) */
  clauses?: Record<string, string>;
  reason: string;
}

function domainOf(domains: readonly PolicyDomain[], policy: string): PolicyDomain {
  const d = domains.find((x) => x.policy === policy);
  if (!d) throw new Problem('VALIDATION_FAILED', `no policy ${policy}; policies: ${domains.map((x) => x.policy).join(', ')}`);
  return d;
}

/** "nanxun-talent-2027-07-01" (a later instant of the day adds its time): unique, as editions of a policy never start together. */
function editionId(policy: string, effectiveFrom: string): string {
  const shanghai = new Date(Date.parse(effectiveFrom) + 8 * 3600_000).toISOString();
  const day = shanghai.slice(0, 10);
  const time = shanghai.slice(11, 19).replaceAll(':', '');
  return time === '000000' ? `${policy}-${day}` : `${policy}-${day}-${time}`;
}

/** The edition a request describes, checked (parameters, dates, overlaps) against the editions there are. */
function buildEdition(domain: PolicyDomain, all: PolicyEdition[], req: EditionRequest, by: string, now: Date): PolicyEdition {
  const base = req.basedOn ? all.find((e) => e.id === req.basedOn) : undefined;
  if (req.basedOn && !base) throw new Problem('VALIDATION_FAILED', `basedOn ${req.basedOn} is not an edition of ${req.policy}`);
  const merged = mergeParameters(domain.schema, base?.parameters ?? null, req.parameters, req.clauses);
  if ('problem' in merged) {
    if (merged.problem.code === 'UNKNOWN_PARAMETER') {
      throw new Problem('UNKNOWN_PARAMETER', `unknown parameters: ${merged.problem.names.join(', ')}`, {
        unknown: merged.problem.names,
        known: Object.keys(domain.schema),
      });
    }
    throw new Problem('VALIDATION_FAILED', merged.problem.message);
  }
  const effectiveFrom = normaliseInstant(req.effectiveFrom);
  const effectiveTo = req.effectiveTo ? normaliseInstant(req.effectiveTo) : null;
  const refusal = publicationRefusal(all, { policy: req.policy, basedOn: req.basedOn ?? null, effectiveFrom, effectiveTo }, now);
  if (refusal) throw new Problem(refusal.code, refusal.message, 'overlaps' in refusal ? { overlaps: refusal.overlaps } : {});
  return {
    id: editionId(req.policy, effectiveFrom),
    policy: req.policy,
    title: req.title ?? base?.title ?? domain.defaultTitle,
    documentNo: req.documentNo !== undefined ? req.documentNo : (base?.documentNo ?? null),
    issuer: req.issuer ?? base?.issuer ?? domain.defaultIssuer,
    effectiveFrom,
    effectiveTo,
    basedOn: req.basedOn ?? null,
    parameters: merged.parameters,
    publishedBy: by,
    publishedAt: now.toISOString(),
    reason: req.reason,
  };
}

/** What publishing `req` would change for open cases, without writing anything. */
export async function dryRunEdition(
  db: Kysely<Database>,
  domains: readonly PolicyDomain[],
  req: EditionRequest,
  by: string,
  now: Date,
): Promise<PolicyImpact & { edition: PolicyEdition }> {
  const domain = domainOf(domains, req.policy);
  const all = await listEditions(db, req.policy);
  const proposed = buildEdition(domain, all, req, by, now);
  const previous = editionAt(all, req.policy, new Date(proposed.effectiveFrom));
  const impact = await domain.impact(db, { previous, proposed, now });
  return { ...impact, edition: proposed };
}

/** Publishes an edition (admin), audited with who and why; refused when retroactive or overlapping. */
export async function publishEdition(
  db: Kysely<Database>,
  domains: readonly PolicyDomain[],
  req: EditionRequest,
  actor: Pick<Actor, 'userId' | 'username'>,
  now: Date,
  clientIp: string | null,
): Promise<PolicyEdition> {
  const domain = domainOf(domains, req.policy);
  return db.transaction().execute(async (trx) => {
    await lockPolicy(trx, req.policy);
    const all = await listEditions(trx, req.policy);
    const edition = buildEdition(domain, all, req, actor.username, now);
    await insertEdition(trx, edition);
    await recordAudit(trx, {
      actor,
      action: 'policy_edition_published',
      targetType: 'policy_edition',
      targetId: edition.id,
      clientIp,
      details: {
        policy: edition.policy,
        basedOn: edition.basedOn,
        effectiveFrom: edition.effectiveFrom,
        effectiveTo: edition.effectiveTo,
        changed: req.parameters,
        reason: req.reason,
      },
    });
    return edition;
  });
}

export { findEdition, listEditions };
