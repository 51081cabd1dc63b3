/**
 * A test that needs a capability of the machine (a tmpfs mount, a network namespace: root on Linux) fails
 * when it is missing, with the reason — never a silent skip, in CI or anywhere else: a green run means it ran.
 */
export function needCapability(what: string, ok: boolean, reason: string | undefined): void {
  if (!ok) throw new Error(`${what} is not possible here: ${reason ?? 'unknown reason'} (run the tests as root on Linux)`);
}
