/**
 * Structured logs: one JSON object per line on stdout (stderr for warn/error).
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

export function createLogger(module: string, base: Record<string, unknown> = {}): Logger {
  const min = threshold();
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const rec: Record<string, unknown> = { t: new Date().toISOString(), level, module, ...base, msg: redact(msg) };
    if (fields) for (const [k, v] of Object.entries(fields)) rec[k] = redact(v);
    const line = JSON.stringify(rec) + '\n';
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
