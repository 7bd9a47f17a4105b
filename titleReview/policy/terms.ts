/**
 * An edition's parameters as the title review's rules read them (titleReview/rules.ts takes these: pure), and the
 * substantive terms of an application: those of the edition in force when it was submitted (实体从旧).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { basisText, editionAt, parameterValue, type PolicyEdition } from '../../platform/policy/edition';
import { listEditions } from '../../platform/policy/repository';
import { TITLE_POLICY } from './parameters';

export interface TitleTerms {
  editionId: string;
  minPoolSize: number;
  minCommittee: number;
  minSubgroup: number;
  publicityWorkingDays: number;
  hrssLeadWorkingDays: number;
  /** "2/3" as [2, 3] */
  passFraction: [number, number];
  banYears: number;
}

export function titleTerms(e: Pick<PolicyEdition, 'id' | 'parameters'>): TitleTerms {
  const v = <T>(name: string) => parameterValue<T>(e, name);
  const [n, d] = v<string>('passFraction').split('/').map(Number) as [number, number];
  return {
    editionId: e.id,
    minPoolSize: v('minPoolSize'),
    minCommittee: v('minCommittee'),
    minSubgroup: v('minSubgroup'),
    publicityWorkingDays: v('publicityWorkingDays'),
    hrssLeadWorkingDays: v('hrssLeadWorkingDays'),
    passFraction: [n, d],
    banYears: v('banYears'),
  };
}

/**
 * The terms each application is decided under: the edition in force when it was submitted; an application from
 * before the first edition (or when none was in force) takes the earliest edition after it.
 */
export async function applicationTerms(db: Kysely<Database>, applicationIds: readonly string[]): Promise<Map<string, TitleTerms>> {
  const out = new Map<string, TitleTerms>();
  if (applicationIds.length === 0) return out;
  const [all, apps] = await Promise.all([
    listEditions(db, TITLE_POLICY),
    db.selectFrom('zj_application').select(['id', 'submitted_at']).where('id', 'in', applicationIds).execute(),
  ]);
  for (const a of apps) out.set(a.id, titleTerms(submissionEdition(all, new Date(a.submitted_at))));
  return out;
}

/** The edition an application submitted at `at` is decided under (of `all`, the title review's editions). */
export function submissionEdition(all: readonly PolicyEdition[], at: Date): PolicyEdition {
  const e = editionAt(all, TITLE_POLICY, at) ?? all.find((x) => Date.parse(x.effectiveFrom) > at.getTime()) ?? all[all.length - 1];
  if (!e) throw new Error('no edition of the title review policy is loaded (migration 0067)');
  return e;
}

/** The 依据 of one parameter of an edition, recorded with the stage that used it and shown with its deadline. */
export function titleBasis(e: Pick<PolicyEdition, 'id' | 'title' | 'effectiveFrom' | 'parameters'>, parameter: string) {
  return { editionId: e.id, title: e.title, parameter, clause: e.parameters[parameter]?.clause ?? '', basis: basisText(e, parameter) };
}

export type TitleBasis = ReturnType<typeof titleBasis>;

/**
 * The edition whose procedural terms a stage opening at `at` uses (程序从新): the one in force then; when none is (the
 * policy ended while a session ran), the latest that took effect before, so running sessions finish; before the first
 * edition, the first.
 */
export async function titleStageEdition(db: Kysely<Database>, at: Date): Promise<PolicyEdition> {
  const all = await listEditions(db, TITLE_POLICY);
  const before = all.filter((x) => Date.parse(x.effectiveFrom) <= at.getTime());
  const e = editionAt(all, TITLE_POLICY, at) ?? before[before.length - 1] ?? all[0];
  if (!e) throw new Error('no edition of the title review policy is loaded (migration 0067)');
  return e;
}

/** The first edition (seed 004): the terms of everything recorded before editions. */
export async function firstTitleEdition(db: Kysely<Database>): Promise<PolicyEdition> {
  const [first] = await listEditions(db, TITLE_POLICY);
  if (!first) throw new Error('no edition of the title review policy is loaded (migration 0067)');
  return first;
}
