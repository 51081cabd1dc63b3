/**
 * Password rules (issue G): at least 10 characters, not the user name, not a common password, and not trivially
 * guessable. The common list and the guessability estimate come from zxcvbn-ts (@zxcvbn-ts/core with its
 * language-common dictionaries: ~49 000 leaked passwords, keyboard patterns, sequences, repeats) rather than a
 * list of our own. Applies to new users, resets, own changes and WATCHPOST_ADMIN_PASSWORD.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 10;
const zxcvbn = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
const COMMON = new Set((common.dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/** Why a password is refused, or undefined when it is fine. */
export function passwordProblem(password: string, username: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 500) return 'at most 500 characters';
  const lower = password.toLowerCase();
  if (username && lower === username.toLowerCase()) return 'must not be the user name';
  if (COMMON.has(lower)) return 'is a common password (it is on lists attackers try first)';
  const r = zxcvbn.check(password.slice(0, 100), [username]);
  if (r.score < 2) return 'is too easy to guess (a word, a sequence or a keyboard pattern with a few digits); add words or characters';
  return undefined;
}
