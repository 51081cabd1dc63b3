/**
 * Where checkpoints live and when they are made.
 *
 * Each checkpoint goes twice: into the database's append-only `checkpoints` table (through the SQL layer, issue J
 * step 0030: SQLite or PostgreSQL), and as one JSON line into
 * `<dir>/<UTC day>.jsonl` outside the database (default `<dataDir>/checkpoints`; `storage.checkpointsDir` can put
 * it on another disk). The file is what survives a database rolled back to an older copy.
 *
 * The Checkpointer seals every chain whose head moved, at most every `intervalMs` (60 s) and at shutdown. A
 * write that fails (full disk) is logged and retried on the next tick; it never throws into the caller.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Selectable } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import type { CheckpointsTable } from '../store/sql/schema.ts';
import { createLogger } from '../util/log.ts';
import { digestOf, parseCheckpointLine, signCheckpoint, type Checkpoint } from './checkpoint.ts';
import type { ChainView } from './seal-check.ts';

const log = createLogger('checkpoints');

type Row = Selectable<CheckpointsTable>;

const toCheckpoint = (r: Row): Checkpoint => ({
  log: r.log,
  seq: r.seq,
  headHash: r.head_hash,
  count: r.count,
  time: r.time_ms,
  key: r.key_fp,
  fromSeq: r.from_seq,
  digest: r.digest,
  sig: r.sig,
  hash: r.hash,
});

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export class CheckpointStore {
  constructor(
    private readonly s: SqlDb,
    /** the directory of the JSON-lines files */
    readonly dir: string,
  ) {}

  /** Checkpoints of one log in the database, oldest first. */
  async inDb(logName: string): Promise<Checkpoint[]> {
    const rows = await this.s.db.selectFrom('checkpoints').selectAll().where('log', '=', logName).orderBy('seq').orderBy('id').execute();
    return rows.map(toCheckpoint);
  }

  async newest(logName: string): Promise<Checkpoint | undefined> {
    const r = await this.s.db.selectFrom('checkpoints').selectAll().where('log', '=', logName).orderBy('seq', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r && toCheckpoint(r);
  }

  /** The newest checkpoint of any of the logs (what the daily report and the handover print). */
  async newestOf(logs: string[]): Promise<Checkpoint | undefined> {
    const all = await Promise.all(logs.map((l) => this.newest(l)));
    return all.filter((c): c is Checkpoint => c !== undefined).sort((a, b) => b.time - a.time)[0];
  }

  async count(): Promise<number> {
    const r = await this.s.db.selectFrom('checkpoints').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insert(c: Checkpoint): Promise<void> {
    await this.s.db
      .insertInto('checkpoints')
      .values({ log: c.log, seq: c.seq, head_hash: c.headHash, count: c.count, time_ms: c.time, key_fp: c.key, from_seq: c.fromSeq, digest: c.digest, sig: c.sig, hash: c.hash })
      .execute();
  }

  appendFile(c: Checkpoint): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${utcDay(c.time)}.jsonl`);
    const isNew = !existsSync(file);
    appendFileSync(file, JSON.stringify(c) + '\n', { mode: 0o600, flush: true });
    if (isNew) chmodSync(file, 0o600);
  }

  /** Every checkpoint in the files (all logs, or one); a missing directory holds none. */
  inFiles(logName?: string): Checkpoint[] {
    if (!existsSync(this.dir)) return [];
    const out: Checkpoint[] = [];
    for (const f of readdirSync(this.dir).filter((n) => n.endsWith('.jsonl')).sort()) {
      for (const line of readFileSync(join(this.dir, f), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const c = parseCheckpointLine(line);
        if (c && (logName === undefined || c.log === logName)) out.push(c);
      }
    }
    return out;
  }
}

export interface ChainSource {
  log: string;
  view: ChainView;
}

export interface CheckpointerOptions {
  store: CheckpointStore;
  key: { sign(d: Buffer): Buffer; fingerprint: string };
  /** the chains to seal; called on every tick (cameras come and go); may read the database (async) */
  sources: () => ChainSource[] | Promise<ChainSource[]>;
  intervalMs?: number;
  now?: () => number;
  onSealed?: (c: Checkpoint) => void;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | undefined;
  /** lines the file could not take yet (full disk): written first on the next tick */
  private readonly fileBacklog: Checkpoint[] = [];
  private readonly now: () => number;
  private readonly refused = new Set<string>();
  /** one sealing pass at a time (the views are async): a second call waits for the running one, then runs */
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: CheckpointerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.sealNow(), this.o.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Seal once more (shutdown) and stop. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sealNow();
  }

  /** Sign a checkpoint for every chain whose head moved since its last one. Never rejects. */
  sealNow(): Promise<Checkpoint[]> {
    const p = this.running.then(() => this.sealPass());
    this.running = p;
    return p;
  }

  private async sealPass(): Promise<Checkpoint[]> {
    this.flushBacklog();
    const made: Checkpoint[] = [];
    let sources: ChainSource[] = [];
    try {
      sources = await this.o.sources();
    } catch (err) {
      log.error('cannot list the chains to seal', { err });
    }
    for (const s of sources) {
      try {
        const c = await this.sealOne(s);
        if (c) made.push(c);
      } catch (err) {
        log.error('could not write a checkpoint; will retry', { log: s.log, err });
      }
    }
    return made;
  }

  private async sealOne(s: ChainSource): Promise<Checkpoint | undefined> {
    const head = await s.view.head();
    if (!head) return undefined;
    const last = await this.o.store.newest(s.log);
    if (last && last.seq === head.seq && last.headHash === head.hash) return undefined;
    if (last && (head.seq < last.seq || (await s.view.hashAt(last.seq)) !== last.headHash)) {
      // never sign over a chain that no longer matches its last checkpoint: that would launder the tampering
      if (!this.refused.has(s.log)) log.error('chain does not match its last checkpoint; not sealing it (run verify-log)', { log: s.log, checkpointSeq: last.seq, headSeq: head.seq });
      this.refused.add(s.log);
      return undefined;
    }
    const fromSeq = last ? last.seq : 0;
    const c = signCheckpoint(
      {
        log: s.log,
        seq: head.seq,
        headHash: head.hash,
        count: head.seq,
        time: this.now(),
        key: this.o.key.fingerprint,
        fromSeq,
        digest: digestOf(await s.view.hashesIn(fromSeq, head.seq)),
      },
      this.o.key,
    );
    await this.o.store.insert(c);
    try {
      this.o.store.appendFile(c);
    } catch (err) {
      log.error('could not append the checkpoint file; will retry', { dir: this.o.store.dir, err });
      this.fileBacklog.push(c);
    }
    this.o.onSealed?.(c);
    return c;
  }

  private flushBacklog(): void {
    while (this.fileBacklog.length) {
      try {
        this.o.store.appendFile(this.fileBacklog[0]!);
        this.fileBacklog.shift();
      } catch {
        return;
      }
    }
  }
}
