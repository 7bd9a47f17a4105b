/**
 * Policy editions: dated, immutable data (OpenFisca-style: every parameter with its value and the clause it
 * comes from). Pure: no I/O, no domain; the domains (nanxun/policy, titleReview/policy) declare their parameters.
 *
 * Which edition applies follows 实体从旧、程序从新: a substantive parameter (eligibility, amounts, the instalment
 * plan) is read from the edition in force when the case was submitted, a procedural one (working-day periods,
 * publicity lengths, warning days) from the edition in force when the stage opens. Each parameter says which.
 */

export type ParameterKind = 'substantive' | 'procedural';

export interface EditionParameter {
  value: unknown;
  kind: ParameterKind;
  /** the clause of the document the value comes from (its number and, where short, its words) */
  clause: string;
}

export interface PolicyEdition {
  id: string;
  policy: string;
  title: string;
  /** 文号, or "征求意见稿" */
  documentNo: string | null;
  issuer: string;
  /** an ISO instant (00:00 Asia/Shanghai of a date, or later) */
  effectiveFrom: string;
  /** as published; the edition also ends where a later edition that ends it begins (see effectiveEnd) */
  effectiveTo: string | null;
  /** the edition a new one was based on and ends (its effectiveFrom ends the old one) */
  basedOn: string | null;
  parameters: Record<string, EditionParameter>;
  publishedBy: string;
  publishedAt: string;
  reason: string;
}

export type EditionStatus = 'in_force' | 'future' | 'past';

const ms = (iso: string) => Date.parse(iso);

/** The instant an edition stops being in force (null: open-ended): its own end, or the start of one that ends it. */
export function effectiveEnd(e: PolicyEdition, all: readonly PolicyEdition[]): string | null {
  let end = e.effectiveTo;
  for (const s of all) {
    if (s.policy !== e.policy || s.basedOn !== e.id || ms(s.effectiveFrom) <= ms(e.effectiveFrom)) continue;
    if (end == null || ms(s.effectiveFrom) < ms(end)) end = s.effectiveFrom;
  }
  return end;
}

export function inForceAt(e: PolicyEdition, all: readonly PolicyEdition[], at: Date): boolean {
  const end = effectiveEnd(e, all);
  return ms(e.effectiveFrom) <= at.getTime() && (end == null || at.getTime() < ms(end));
}

/** The edition of `policy` in force at `at`, or null (expired, or not yet in force). */
export function editionAt(all: readonly PolicyEdition[], policy: string, at: Date): PolicyEdition | null {
  const candidates = all.filter((e) => e.policy === policy && inForceAt(e, all, at));
  // publication refuses overlaps, so at most one; the latest start wins should data ever say otherwise
  candidates.sort((a, b) => ms(b.effectiveFrom) - ms(a.effectiveFrom));
  return candidates[0] ?? null;
}

export function editionStatus(e: PolicyEdition, all: readonly PolicyEdition[], now: Date): EditionStatus {
  if (ms(e.effectiveFrom) > now.getTime()) return 'future';
  return inForceAt(e, all, now) ? 'in_force' : 'past';
}

export interface ProposedEdition {
  policy: string;
  basedOn?: string | null;
  effectiveFrom: string;
  effectiveTo?: string | null;
}

export type PublicationRefusal =
  | { code: 'RETROACTIVE_EDITION'; message: string }
  | { code: 'OVERLAPPING_EDITION'; message: string; overlaps: string[] }
  | { code: 'VALIDATION_FAILED'; message: string };

/**
 * Whether `p` may be published at `now`: it starts in the future, ends after it starts, and overlaps no edition of
 * its policy except the one it is based on, which it ends (that one must have started before it).
 */
export function publicationRefusal(all: readonly PolicyEdition[], p: ProposedEdition, now: Date): PublicationRefusal | null {
  if (Number.isNaN(ms(p.effectiveFrom))) return { code: 'VALIDATION_FAILED', message: 'effectiveFrom is not a date or instant' };
  if (ms(p.effectiveFrom) <= now.getTime()) {
    return { code: 'RETROACTIVE_EDITION', message: `effectiveFrom ${p.effectiveFrom} is not in the future: corrections are new editions from a later date` };
  }
  if (p.effectiveTo != null && !(ms(p.effectiveTo) > ms(p.effectiveFrom))) {
    return { code: 'VALIDATION_FAILED', message: 'effectiveTo must be after effectiveFrom' };
  }
  if (p.basedOn != null && !all.some((e) => e.id === p.basedOn && e.policy === p.policy)) {
    return { code: 'VALIDATION_FAILED', message: `basedOn ${p.basedOn} is not an edition of ${p.policy}` };
  }
  const from = ms(p.effectiveFrom);
  const to = p.effectiveTo == null ? Number.POSITIVE_INFINITY : ms(p.effectiveTo);
  const overlaps = all
    .filter((e) => e.policy === p.policy)
    .filter((e) => {
      const end = effectiveEnd(e, all);
      const eEnd = end == null ? Number.POSITIVE_INFINITY : ms(end);
      const overlap = ms(e.effectiveFrom) < to && from < eEnd;
      // the new edition ends the one it is based on (which must have begun before it)
      const endsIt = e.id === p.basedOn && ms(e.effectiveFrom) < from;
      return overlap && !endsIt;
    })
    .map((e) => e.id);
  if (overlaps.length > 0) {
    return { code: 'OVERLAPPING_EDITION', message: `the edition overlaps ${overlaps.join(', ')}; base it on the edition it ends`, overlaps };
  }
  return null;
}

/** A parameter a domain declares: its kind, its clause and the check of a value. */
export interface ParameterDefinition {
  kind: ParameterKind;
  clause: string;
  /** a short description for the clerk who publishes the next edition */
  meaning: string;
  /** null when the value is acceptable, else why not */
  check(value: unknown): string | null;
}

export type ParameterSchema = Record<string, ParameterDefinition>;

export const positiveInt = (v: unknown) => (Number.isInteger(v) && (v as number) > 0 ? null : 'a positive whole number');
export const nonNegativeInt = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'a whole number ≥ 0');
export const positiveIntList = (v: unknown) =>
  Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x > 0) ? null : 'a non-empty list of positive whole numbers';
export const fraction = (v: unknown) => {
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v) : null;
  return m && Number(m[2]) > 0 && Number(m[1]) > 0 && Number(m[1]) <= Number(m[2]) ? null : 'a fraction such as "2/3"';
};

export type ParameterProblem = { code: 'UNKNOWN_PARAMETER'; names: string[] } | { code: 'VALIDATION_FAILED'; message: string };

/**
 * The full parameter set of a new edition: `changes` over `base` (the edition it is based on), each checked against
 * the schema. Kinds and clauses come from the schema unless the change names a new clause.
 */
export function mergeParameters(
  schema: ParameterSchema,
  base: Record<string, EditionParameter> | null,
  changes: Record<string, unknown>,
  clauses: Record<string, string> = {},
): { parameters: Record<string, EditionParameter> } | { problem: ParameterProblem } {
  const unknown = Object.keys(changes).filter((n) => !(n in schema));
  if (unknown.length > 0) return { problem: { code: 'UNKNOWN_PARAMETER', names: unknown } };
  const parameters: Record<string, EditionParameter> = {};
  const missing: string[] = [];
  for (const [name, def] of Object.entries(schema)) {
    const has = Object.hasOwn(changes, name);
    const value = has ? changes[name] : base?.[name]?.value;
    if (value === undefined) {
      missing.push(name);
      continue;
    }
    const bad = def.check(value);
    if (bad) return { problem: { code: 'VALIDATION_FAILED', message: `${name} must be ${bad}` } };
    parameters[name] = { value, kind: def.kind, clause: clauses[name] ?? base?.[name]?.clause ?? def.clause };
  }
  if (missing.length > 0)
    return { problem: { code: 'VALIDATION_FAILED', message: `parameters missing (and no edition to base them on): ${missing.join(', ')}` } };
  return { parameters };
}

/** A parameter's value, typed by the caller (the domain's schema checked it at publication). */
export function parameterValue<T>(e: Pick<PolicyEdition, 'parameters' | 'id'>, name: string): T {
  const p = e.parameters[name];
  if (!p) throw new Error(`edition ${e.id} has no parameter ${name}`);
  return p.value as T;
}

/** "依据《title》clause，YYYY版": the basis of an amount or a deadline, as the views print it. */
export function basisText(e: Pick<PolicyEdition, 'title' | 'effectiveFrom' | 'parameters'>, name: string): string {
  const clause = e.parameters[name]?.clause ?? '';
  return `依据《${e.title}》${clause}，${editionLabel(e)}`;
}

/** "2026版": the year (Asia/Shanghai) the edition took effect. */
export function editionLabel(e: Pick<PolicyEdition, 'effectiveFrom'>): string {
  const shanghai = new Date(ms(e.effectiveFrom) + 8 * 3600_000);
  return `${shanghai.getUTCFullYear()}版`;
}

/** A date (YYYY-MM-DD) is 00:00 Asia/Shanghai of that day; an instant is kept as given (normalised to ISO). */
export function normaliseInstant(s: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return new Date(`${s}T00:00:00+08:00`).toISOString();
  const t = ms(s);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}
