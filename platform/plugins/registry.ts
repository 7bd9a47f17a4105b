/**
 * The installed domains. A composition root installs them once at start-up (`installDomains`); the kernel asks
 * the registry instead of naming a domain. Installing again replaces a plugin of the same name (tests build many
 * apps in one process).
 */
import type { SubjectReconciler } from '../reconciliation/reconciler';
import type { PolicyDomain } from '../policy/domain';
import type { DomainPlugin, PersonalDataTable, ReportDefinition, SubjectFacts, SubjectProvider, Db } from './domainPlugin';

const installed = new Map<string, DomainPlugin>();

export function installDomains(plugins: readonly DomainPlugin[]): void {
  for (const p of plugins) installed.set(p.name, p);
}

/** Removes a plugin (tests that install a test-only domain remove it again). */
export function uninstallDomain(name: string): void {
  installed.delete(name);
}

export function domains(): DomainPlugin[] {
  return [...installed.values()];
}

export function subjectProviders(): SubjectProvider[] {
  return domains().flatMap((d) => d.subjects);
}

export function subjectProvider(type: string): SubjectProvider | undefined {
  return subjectProviders().find((s) => s.type === type);
}

export function subjectTypes(): string[] {
  return subjectProviders().map((s) => s.type);
}

/** Each installed domain's part of the reconciliation. */
export function reconcilers(): SubjectReconciler[] {
  return domains().flatMap((d) => (d.reconciler ? [d.reconciler] : []));
}

/** The policies of the installed domains (platform/policy). */
export function policyDomains(): PolicyDomain[] {
  return domains().flatMap((d) => (d.policy ? [d.policy] : []));
}

export function reportDefinitions(): ReportDefinition[] {
  return domains().flatMap((d) => d.reports ?? []);
}

export function personalDataTables(): PersonalDataTable[] {
  return domains().flatMap((d) => d.personalData ?? []);
}

/** One subject by type and id. */
export async function findSubject(db: Db, type: string, id: string): Promise<SubjectFacts | undefined> {
  const p = subjectProvider(type);
  return p?.find ? (await p.find(db, [id]))[0] : undefined;
}

/** Subjects by id whatever their type (ids are random UUIDs, unique across domains). */
export async function findSubjects(db: Db, ids: readonly string[]): Promise<Map<string, SubjectFacts>> {
  const unique = [...new Set(ids)];
  const out = new Map<string, SubjectFacts>();
  if (!unique.length) return out;
  const found = await Promise.all(subjectProviders().map((p) => p.find?.(db, unique) ?? []));
  for (const s of found.flat()) out.set(s.id, s);
  return out;
}

/** The subject with this reference (申请编号), in whichever domain has it. */
export async function findSubjectByReference(db: Db, reference: string): Promise<SubjectFacts | undefined> {
  for (const p of subjectProviders()) {
    const s = await p.findByReference?.(db, reference);
    if (s) return s;
  }
  return undefined;
}
