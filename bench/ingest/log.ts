/** Progress lines on stderr with the time since the bench started. */
const T0 = Date.now();

export function log(msg: string): void {
  const t = ((Date.now() - T0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}
