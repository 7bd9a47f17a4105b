/**
 * Password strength: at least 8 characters, not only whitespace, and not guessable by zxcvbn (score ≥ 3 of 4,
 * with the common-password dictionaries and the account's own words — username, name — as user inputs).
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { Problem } from '../http/problem';

export const MIN_PASSWORD_LENGTH = 8;
export const MIN_ZXCVBN_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
const zxcvbn = () => (factory ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs }));

/** Why the password is refused, or null when it is acceptable. */
export function passwordWeakness(password: string, userInputs: (string | null | undefined)[] = []): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.trim() === '') return 'not only spaces';
  // zxcvbn is quadratic-ish in the length: the first 100 characters decide
  const r = zxcvbn().check(
    password.slice(0, 100),
    userInputs.filter((x): x is string => !!x),
  );
  if (r.score < MIN_ZXCVBN_SCORE) return 'too easy to guess (a common password, a pattern or your own name)';
  return null;
}

export function assertStrongPassword(password: string, userInputs: (string | null | undefined)[] = []): void {
  const why = passwordWeakness(password, userInputs);
  if (why) throw new Problem('WEAK_PASSWORD', `the password is too weak: ${why}`, { field: 'password' });
}
