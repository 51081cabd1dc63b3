import { readFileSync, existsSync } from 'node:fs';
import { findLoneSurrogate } from '../integrity/text.ts';
import { resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node, type Document } from 'yaml';
import type { z } from 'zod';
import { clusterSchema, configSchema, type WatchpostConfig } from './schema.ts';

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
 * Environment overrides: WATCHPOST_PORT, WATCHPOST_DATA_DIR, WATCHPOST_KEYS_DIR, and the cluster block's
 * WATCHPOST_ROLE, WATCHPOST_NODE_ID, WATCHPOST_CENTRAL_URL, WATCHPOST_DATABASE_URL, WATCHPOST_MQTT_URL,
 * WATCHPOST_NODE_URL, WATCHPOST_CLUSTER_SECRET.
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
  applyClusterEnv(config, env);
  return { config, file };
}

const CLUSTER_ENV = {
  WATCHPOST_ROLE: 'role',
  WATCHPOST_NODE_ID: 'nodeId',
  WATCHPOST_CENTRAL_URL: 'centralUrl',
  WATCHPOST_DATABASE_URL: 'database',
  WATCHPOST_MQTT_URL: 'mqtt',
  WATCHPOST_NODE_URL: 'url',
  WATCHPOST_CLUSTER_SECRET: 'secret',
} as const;

/**
 * The cluster block's environment overrides (issue J), validated like the file (the variable names the error);
 * WATCHPOST_MQTT_URL replaces the URL and keeps the file's other mqtt settings. What is not built yet is refused.
 */
function applyClusterEnv(config: WatchpostConfig, env: NodeJS.ProcessEnv): void {
  const raw: Record<string, unknown> = { ...config.cluster };
  let any = false;
  for (const [name, key] of Object.entries(CLUSTER_ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    any = true;
    raw[key] = key === 'mqtt' && config.cluster.mqtt ? { ...config.cluster.mqtt, url: v } : v;
  }
  if (any) {
    const r = clusterSchema.safeParse(raw);
    if (!r.success) {
      const problems = r.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const from = Object.entries(CLUSTER_ENV).find(([n, k]) => k === key && env[n]);
        return `${from ? from[0] : 'cluster'}: cluster.${i.path.join('.')}: ${i.message}`;
      });
      throw new ConfigError('invalid cluster environment variable', problems);
    }
    config.cluster = r.data;
  }
  const c = config.cluster;
  const notBuilt: string[] = [];
  if (c.role !== 'standalone') notBuilt.push(`cluster.role: "${c.role}" is not built yet (issue J); only "standalone" runs today`);
  if (notBuilt.length) throw new ConfigError('not built yet', notBuilt);
}
