/**
 * Poll `fn` until it gives something other than undefined or false; that value. Past `ms` it throws
 * "timed out waiting for <what>", with `detail()` (e.g. the server's output tail) when given.
 */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  { ms = 30_000, everyMs = 300, detail }: { ms?: number; everyMs?: number; detail?: () => string } = {},
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
