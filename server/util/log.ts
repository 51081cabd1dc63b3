/**
 * Structured logs: one JSON object per line on stdout (stderr for warn/error), or with LOG_FORMAT=pretty
 * (the default on a terminal) one readable line: `14:03:12.345 WARN  media    pipeline failed camera=gate …`.
 * One logger per module, narrowed with child() per camera or request.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function threshold(): number {
  const env = (process.env.WATCHPOST_LOG_LEVEL ?? 'info') as Level;
  return ORDER[env] ?? ORDER.info;
}

/** Values that must never reach a log line (credentials in URLs, passwords). */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1***@');
  if (value instanceof Error) return { name: value.name, message: redact(value.message) };
  return value;
}

function pretty(): boolean {
  const f = process.env.LOG_FORMAT;
  if (f === 'pretty') return true;
  if (f === 'json') return false;
  return process.stdout.isTTY === true;
}

function prettyLine(rec: Record<string, unknown>): string {
  const { t, level, module, msg, ...rest } = rec;
  const time = String(t).slice(11, 23);
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${String(level).toUpperCase().padEnd(5)} ${String(module).padEnd(9)} ${String(msg)}${fields ? ` ${fields}` : ''}\n`;
}

export function createLogger(module: string, base: Record<string, unknown> = {}): Logger {
  const min = threshold();
  const human = pretty();
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const rec: Record<string, unknown> = { t: new Date().toISOString(), level, module, ...base, msg: redact(msg) };
    if (fields) for (const [k, v] of Object.entries(fields)) rec[k] = redact(v);
    const line = human ? prettyLine(rec) : JSON.stringify(rec) + '\n';
    (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(line);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(module, { ...base, ...fields }),
  };
}
