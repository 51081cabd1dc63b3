/**
 * Tests that need a capability of the machine (mount a tmpfs, create a network namespace). Outside CI a test
 * without it is skipped with the reason printed; in CI (`CI=true`, root) it FAILS: a missing capability there is
 * a broken runner, never a silent skip.
 */
export const IN_CI = process.env.CI === 'true';

/** true = run; false = skip (reason printed). Throws in CI when the capability is missing. */
export function needCapability(what: string, ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (IN_CI) throw new Error(`CI=true and ${what} is not possible here: ${reason} (tests never skip in CI)`);
  console.warn(`SKIPPED (${what}): ${reason}`);
  return false;
}
