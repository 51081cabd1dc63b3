/**
 * Cross-process invalidation of the read caches (users, camera groups, sessions) on PostgreSQL (issue J,
 * docs/cluster.md "Read caches…"). Each write of those repositories sends `pg_notify('watchpost_cache', …)` inside
 * its transaction (delivered only on commit, after the rows are visible), and every server holds one dedicated `pg`
 * client — not from the pool — that LISTENs on the channel and hands each event to the server's caches, which
 * re-read the entry from the database. A lost connection is retried with backoff; after every (re)connect the
 * caches are reloaded whole, since notifications sent while it was down are lost. SQLite: nothing is sent or
 * listened to (one process per file).
 *
 * Payload (JSON, well under PostgreSQL's 8000 bytes): `{"table":"users","id":7,"from":"<origin>"}`; sessions may
 * carry `id` (one session), `user` (that user's sessions were revoked) or neither (expired ones purged). `from` is
 * the writing handle's origin, so a server ignores the events of its own writes (its cache already has them).
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { createLogger } from '../../util/log.ts';
import type { SqlDb } from './db.ts';
import type { SqlSchema } from './schema.ts';

const log = createLogger('store');

export const CACHE_CHANNEL = 'watchpost_cache';
/** application_name of the listening connection (an operator can find it in pg_stat_activity) */
export const LISTENER_NAME = 'watchpost-cache';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const eventSchema = z.discriminatedUnion('table', [
  z.object({ table: z.literal('users'), id }),
  z.object({ table: z.literal('camera_groups'), id }),
  z.object({ table: z.literal('sessions'), id: id.optional(), user: id.optional() }),
]);

export type CacheEvent = z.infer<typeof eventSchema>;

/** The origin written into the events of one database handle (one per server process). */
const origins = new WeakMap<SqlDb, string>();
export function originOf(s: SqlDb): string {
  let o = origins.get(s);
  if (!o) origins.set(s, (o = randomUUID()));
  return o;
}

/** A notification's payload: the event and its origin, or the reason it is not one. */
export function parseCacheEvent(payload: string | undefined): { event: CacheEvent; from: string } | { error: string } {
  if (payload === undefined || payload === '') return { error: 'empty payload' };
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return { error: 'payload is not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { error: 'payload is not an object' };
  const from = (v as { from?: unknown }).from;
  if (typeof from !== 'string' || from === '') return { error: 'payload has no origin ("from")' };
  const r = eventSchema.safeParse(v);
  if (!r.success) return { error: `not a cache event: ${r.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}` };
  return { event: r.data, from };
}

/** Send events inside the caller's transaction `tx` (PostgreSQL only; on SQLite nothing). */
export async function notifyCache(s: SqlDb, tx: Kysely<SqlSchema>, events: CacheEvent[]): Promise<void> {
  if (s.engine !== 'postgres') return;
  const from = originOf(s);
  for (const e of events) await sql`SELECT pg_notify(${CACHE_CHANNEL}, ${JSON.stringify({ ...e, from })})`.execute(tx);
}

/**
 * A write and its events. PostgreSQL: both in one transaction (the events go out on commit only); SQLite: the write
 * alone, on the handle as before. `events` sees the write's result.
 */
export async function writeNotifying<T>(s: SqlDb, write: (db: Kysely<SqlSchema>) => Promise<T>, events: (r: T) => CacheEvent[]): Promise<T> {
  if (s.engine !== 'postgres') return write(s.db);
  return s.db.transaction().execute(async (tx) => {
    const r = await write(tx);
    await notifyCache(s, tx, events(r));
    return r;
  });
}

/** What the server's caches do with the events. */
export interface CacheSink {
  /** one event of another process */
  apply(e: CacheEvent): Promise<void>;
  /** everything again (after a (re)connect: notifications in between were lost) */
  reloadAll(): Promise<void>;
}

/** the first retry after a lost connection; each next one waits twice as long, up to MAX_RETRY_MS */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;
/** the idle connection is checked with a query this often (a half-open TCP connection is found so) … */
const PING_EVERY_MS = 15_000;
/** … and dropped when the answer takes longer than this */
const PING_TIMEOUT_MS = 10_000;

/**
 * The listening connection. `start` resolves after the first attempt (connected or not: a failure is retried in
 * the background, never thrown); `stop` ends it. Events are applied one at a time, in the order received.
 */
export class CacheListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private delay: number = FIRST_RETRY_MS;
  private lost = false;
  private losses = 0;
  /** events and reloads, one after another */
  private queue: Promise<void> = Promise.resolve();

  /** `self`: the origin of this server's own writes (their events are skipped) */
  constructor(
    private readonly url: string,
    private readonly sink: CacheSink,
    private readonly self: string,
  ) {}

  start(): Promise<void> {
    return this.connect();
  }

  /** for /metrics: listening now, and how often the connection was lost since start */
  status(): { listening: boolean; losses: number } {
    return { listening: this.client !== undefined, losses: this.losses };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
    await this.queue;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const c = new pg.Client({ connectionString: this.url, application_name: LISTENER_NAME, keepAlive: true });
    c.on('error', (err) => this.drop(c, err.message));
    c.on('end', () => this.drop(c, 'connection ended'));
    c.on('notification', (n) => {
      if (n.channel === CACHE_CHANNEL) this.received(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CACHE_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => undefined); // its 'error'/'end' go to drop(), a no-op: it is not the current client
      this.lostConnection(`cannot listen: ${(err as Error).message}`);
      return;
    }
    if (this.stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.delay = FIRST_RETRY_MS;
    if (this.lost) log.info('cache invalidation: listening again, reloading the caches', { channel: CACHE_CHANNEL });
    else log.info('cache invalidation: listening', { channel: CACHE_CHANNEL });
    this.lost = false;
    this.pingTimer = setInterval(() => this.ping(c), PING_EVERY_MS);
    this.pingTimer.unref();
    // LISTEN is in place: whatever changed before it (start-up, or the gap after a loss) is read now
    this.enqueue(() => this.sink.reloadAll(), 'reload');
  }

  private ping(c: pg.Client): void {
    const t = setTimeout(() => this.drop(c, `no answer to a check within ${PING_TIMEOUT_MS / 1000} s`), PING_TIMEOUT_MS);
    c.query('SELECT 1').then(
      () => clearTimeout(t),
      (err: Error) => {
        clearTimeout(t);
        this.drop(c, err.message);
      },
    );
  }

  /** The connection `c` failed: end it and connect again later (once per connection). */
  private drop(c: pg.Client, why: string): void {
    if (this.client !== c) return;
    this.client = undefined;
    clearInterval(this.pingTimer);
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    this.lostConnection(why);
  }

  private lostConnection(why: string): void {
    if (this.stopped) return;
    log.warn('cache invalidation: lost the listening connection to PostgreSQL, retrying', { why, retryMs: this.delay });
    if (!this.lost) this.losses++;
    this.lost = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, MAX_RETRY_MS);
  }

  private received(payload: string | undefined): void {
    const p = parseCacheEvent(payload);
    if ('error' in p) {
      log.warn('cache invalidation: ignored a malformed notification', { channel: CACHE_CHANNEL, error: p.error, payload: payload?.slice(0, 200) });
      return;
    }
    if (p.from === this.self) return;
    this.enqueue(() => this.sink.apply(p.event), p.event.table);
  }

  private enqueue(fn: () => Promise<void>, what: string): void {
    this.queue = this.queue.then(() => (this.stopped ? undefined : fn())).catch((err: unknown) => {
      // the cache may now be stale: read everything again soon (a database that is down fails this again: logged)
      log.error('cache invalidation: could not re-read the database', { what, err });
      if (!this.stopped) setTimeout(() => this.enqueue(() => this.sink.reloadAll(), 'reload'), 1000).unref();
    });
  }
}
