import { readFileSync, existsSync } from 'node:fs';
import { findLoneSurrogate } from '../integrity/text.ts';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type WatchpostConfig } from './schema.ts';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: WatchpostConfig;
  /** The file read, or undefined when running with defaults (demo). */
  file?: string;
}

type Path = (string | number)[];

/** The YAML node for a path, and for unrecognised keys the key node itself. */
function lineOf(doc: Document, lc: LineCounter, path: Path, key?: string): number | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => (p.key as { value?: unknown })?.value === seg)?.value;
    else if (isSeq(node)) node = node.items[Number(seg)];
    else break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
    node = pair?.key ?? node;
  }
  const range = (node as Node | undefined)?.range;
  return range ? lc.linePos(range[0]).line : undefined;
}

function formatIssue(doc: Document, lc: LineCounter, file: string, issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const line = lineOf(doc, lc, path, k);
      return `${file}${line ? `:${line}` : ''}: ${[...path, k].join('.')}: unknown key "${k}"`;
    });
  }
  const line = lineOf(doc, lc, path);
  const where = path.length ? path.join('.') : '(top level)';
  return [`${file}${line ? `:${line}` : ''}: ${where}: ${issue.message}`];
}

/** Parse and validate YAML text. Throws ConfigError listing every problem with path and line. */
export function parseConfig(text: string, file = 'watchpost.yml'): WatchpostConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map((e) => `${file}:${e.linePos?.[0]?.line ?? '?'}: YAML: ${e.message.split('\n')[0]}`);
    throw new ConfigError(`invalid config ${file}`, problems);
  }
  const raw = doc.toJS() ?? {};
  const lone = findLoneSurrogate(raw);
  if (lone !== undefined) {
    throw new ConfigError(`invalid config ${file}`, [`${file}: ${lone || '(top level)'}: contains a lone surrogate escape (e.g. "\\udc00"), which is not text; remove it`]);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => formatIssue(doc, lc, file, i));
    throw new ConfigError(`invalid config ${file}`, problems);
  }
  const ids = new Set<string>();
  for (const [i, c] of result.data.cameras.entries()) {
    if (ids.has(c.id)) {
      throw new ConfigError(`invalid config ${file}`, [
        `${file}:${lineOf(doc, lc, ['cameras', i, 'id']) ?? '?'}: cameras.${i}.id: duplicate camera id "${c.id}"`,
      ]);
    }
    ids.add(c.id);
  }
  return result.data;
}

/**
 * Load the config: --config PATH, else ./watchpost.yml if present, else defaults (demo mode).
 * Environment overrides: WATCHPOST_PORT, WATCHPOST_DATA_DIR, WATCHPOST_KEYS_DIR.
 */
export function loadConfig(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let file: string | undefined;
  let config: WatchpostConfig;
  if (explicitPath) {
    file = resolve(explicitPath);
    if (!existsSync(file)) throw new ConfigError(`config file not found: ${file}`, [`${file}: file not found`]);
  } else if (existsSync('watchpost.yml')) {
    file = resolve('watchpost.yml');
  }
  if (file) {
    config = parseConfig(readFileSync(file, 'utf8'), file);
  } else {
    config = configSchema.parse({});
  }
  if (config.demo === undefined) config.demo = !file;
  if (env.WATCHPOST_PORT !== undefined) {
    const port = Number(env.WATCHPOST_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError('invalid WATCHPOST_PORT', [`WATCHPOST_PORT: not a port number: "${env.WATCHPOST_PORT}"`]);
    }
    config.server.port = port;
  }
  if (env.WATCHPOST_DATA_DIR) config.storage.dataDir = env.WATCHPOST_DATA_DIR;
  if (env.WATCHPOST_KEYS_DIR) config.storage.keysDir = env.WATCHPOST_KEYS_DIR;
  return { config, file };
}
