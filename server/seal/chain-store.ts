/**
 * The per-camera seal chains on the SQL layer (issue J, docs/cluster.md): one code path for PostgreSQL and
 * SQLite, like the duty log's and the audit trail's. One chain per camera, its head the `chain_heads` row
 * `recordings/<camera>` (the name its checkpoints carry, integrity/chains.ts). Sealing a segment is one write
 * transaction: lock the camera's head (created at the genesis on the camera's first seal), read the newest seal
 * (live rows and tombstones), link with the server's sealHash (seal/chain.ts — one hash format), write the seal
 * columns of the segment row, move the head. Any number of writer processes seal one camera's segments into ONE
 * chain; seal_seq is unique per camera (the fork guard), a segment is sealed once.
 *
 * The server's Sealer (sealer.ts) seals through it. A seal an older server wrote on an SQLite file (it did not move
 * the head) is followed here.
 */
import { sql } from 'kysely';
import type { SqlDb } from '../store/sql/db.ts';
import { sealChainLog } from '../store/sql/migrations-chains.ts';
import { writeTransaction } from '../store/sql/tx.ts';
import { ChainHeadError, lockHead, moveHead, readHead, refuseNul, tipToExtend, triggersInPlace, verifyStream, type ChainLabel, type ChainLink } from '../integrity/sql-chain.ts';
import { sealHash, verifySeals, type SealEntry } from './chain.ts';

export { sealChainLog } from '../store/sql/migrations-chains.ts';

const label = (camera: string): ChainLabel => ({ name: `${sealChainLog(camera)} seal`, check: 'npm run verify-recordings' });

/** The file digest of an indexed segment, as the hash worker computes it. */
export interface SealInput {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Seal {
  camera: string;
  seq: number;
  path: string;
  bytes: number;
  sha256: string;
  prevHash: string;
  hash: string;
}

export class SealError extends Error {}

export interface SealVerifyResult {
  camera: string;
  ok: boolean;
  /** seals read (rows and tombstones), up to and including a broken one */
  seals: number;
  broken?: { seq: number; reason: string };
  lastHash: string;
  /** tombstones append-only and written on delete (PostgreSQL also: seals of rows cannot change) */
  triggers: boolean;
  headMatches: boolean;
}

export interface SealChainOptions {
  /**
   * The camera's newest seals were deleted or altered (the head and the table disagree). Without this the seal is
   * refused (ChainHeadError). With it — the recorder's choice: new footage must not go unsealed — it is called, and
   * the seal extends the chain HEAD, not the damaged table: the gap or the altered link stays where it is for
   * verification to name, and the new seals are valid links of the true chain.
   */
  onDamagedTip?: (err: ChainHeadError, camera: string) => void;
}

export class SealChainStore {
  constructor(
    private readonly s: SqlDb,
    /** seals per page when verifying (memory holds one page) */
    private readonly pageSize = 2000,
    private readonly opts: SealChainOptions = {},
  ) {}

  /**
   * Seal the indexed segment at `path` into its camera's chain. Undefined when it is sealed already (by another
   * writer: nothing written). Refused, nothing written: no segment at that path, a digest that is not one, NUL.
   */
  async seal(i: SealInput): Promise<Seal | undefined> {
    refuseNul('seal', { path: i.path });
    if (!/^[0-9a-f]{64}$/.test(i.sha256)) throw new SealError(`seal of ${i.path} refused: sha256 must be 64 lower-case hex digits`);
    if (!Number.isSafeInteger(i.bytes) || i.bytes < 0) throw new SealError(`seal of ${i.path} refused: bytes must be a whole number ≥ 0`);
    return writeTransaction(this.s, async (tx) => {
      const seg = () => tx.selectFrom('segments').select(['id', 'camera_id', 'seal_seq']).where('path', '=', i.path).executeTakeFirst();
      const row = await seg();
      if (!row) throw new SealError(`no segment is indexed at ${i.path}: nothing sealed`);
      if (row.seal_seq !== null) return undefined;
      const camera = row.camera_id;
      const head = await lockHead(tx, this.s.engine, sealChainLog(camera), label(camera), true);
      // after the lock (PostgreSQL: a new snapshot): another writer may have sealed it while this one waited
      if ((await seg())?.seal_seq !== null) return undefined;
      const tip = this.tip(head, await this.newest(tx, camera), camera);
      const seq = tip.seq + 1;
      const hash = sealHash(tip.hash, { camera, seq, path: i.path, bytes: i.bytes, sha256: i.sha256 });
      const done = await tx
        .updateTable('segments')
        .set({ sha256: i.sha256, bytes: i.bytes, seal_seq: seq, seal_hash: hash })
        .where('id', '=', row.id)
        .where('seal_seq', 'is', null)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) !== 1) throw new SealError(`segment ${i.path} changed while being sealed: nothing sealed`);
      await moveHead(tx, sealChainLog(camera), { seq, hash });
      return { camera, seq, path: i.path, bytes: i.bytes, sha256: i.sha256, prevHash: tip.hash, hash };
    });
  }

  private tip(head: ChainLink, newest: ChainLink | undefined, camera: string): ChainLink {
    try {
      return tipToExtend(head, newest, label(camera));
    } catch (err) {
      if (!(err instanceof ChainHeadError) || !this.opts.onDamagedTip) throw err;
      this.opts.onDamagedTip(err, camera);
      return head;
    }
  }

  /** The camera's newest seal: a live row or a tombstone, whichever is later. */
  private async newest(tx: SqlDb['db'], camera: string): Promise<ChainLink | undefined> {
    const live = await tx
      .selectFrom('segments')
      .select(['seal_seq', 'seal_hash'])
      .where('camera_id', '=', camera)
      .where('seal_seq', 'is not', null)
      .orderBy('seal_seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const dead = await tx
      .selectFrom('segment_tombstones')
      .select(['seal_seq', 'seal_hash'])
      .where('camera_id', '=', camera)
      .orderBy('seal_seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const links = [live, dead].filter((x) => x?.seal_seq != null).map((x) => ({ seq: Number(x!.seal_seq), hash: x!.seal_hash! }));
    return links.sort((a, b) => b.seq - a.seq)[0];
  }

  /** Seals with seq > afterSeq of one camera, rows and tombstones together, oldest first. */
  async page(camera: string, afterSeq: number, limit: number): Promise<SealEntry[]> {
    // each side limited on its own (camera_id, seal_seq) index, so a page costs `limit` rows, not the rest of the chain
    const r = await sql<SealEntry>`SELECT seq, path, bytes, sha256, hash FROM (
        SELECT * FROM (SELECT seal_seq AS seq, path, bytes, sha256, seal_hash AS hash FROM segments
          WHERE camera_id = ${camera} AND seal_seq > ${afterSeq} ORDER BY seal_seq LIMIT ${limit}) l
        UNION ALL
        SELECT * FROM (SELECT seal_seq AS seq, path, bytes, sha256, seal_hash AS hash FROM segment_tombstones
          WHERE camera_id = ${camera} AND seal_seq > ${afterSeq} ORDER BY seal_seq LIMIT ${limit}) t
      ) u ORDER BY seq LIMIT ${limit}`.execute(this.s.db);
    return r.rows.map((e) => ({ ...e, seq: Number(e.seq), bytes: Number(e.bytes) }));
  }

  /** Cameras with a seal chain: a head row, sealed rows or tombstones. */
  async cameras(): Promise<string[]> {
    const heads = await this.s.db.selectFrom('chain_heads').select('log').where('log', 'like', 'recordings/%').execute();
    const r = await sql<{ camera_id: string }>`SELECT camera_id FROM segments WHERE seal_seq IS NOT NULL
      UNION SELECT camera_id FROM segment_tombstones`.execute(this.s.db);
    return [...new Set([...heads.map((h) => h.log.slice('recordings/'.length)), ...r.rows.map((x) => x.camera_id)])].sort();
  }

  /** Verify one camera's chain page by page, then its head (a deleted tail) and the triggers. */
  async verify(camera: string, pageSize = this.pageSize): Promise<SealVerifyResult> {
    const r = await verifyStream({
      read: (after, limit) => this.page(camera, after, limit),
      link: (e) => e,
      verify: (page, from) => verifySeals(camera, page, from),
      head: await readHead(this.s, sealChainLog(camera)),
      pageSize,
    });
    const tomb = await triggersInPlace(this.s, 'segment_tombstones', {
      sqlite: ['segment_tombstones_no_update', 'segment_tombstones_no_delete'],
      postgres: ['segment_tombstones_append_only', 'segment_tombstones_no_truncate'],
    });
    const seg = await triggersInPlace(this.s, 'segments', { sqlite: ['segments_tombstone'], postgres: ['segments_tombstone', 'segments_seal_fixed'] });
    return {
      camera,
      ok: r.ok,
      seals: r.rows,
      ...(r.broken ? { broken: r.broken } : {}),
      lastHash: r.last.hash,
      triggers: tomb && seg,
      headMatches: r.headMatches,
    };
  }
}
