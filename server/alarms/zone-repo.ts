/**
 * Per-camera detection zones (table `camera_zones`, SQL step 0023) on the SQL layer, with an in-memory copy of
 * every camera's zones (a few rows; read on every alarm raised, by live analytics at start and by the MQTT
 * publisher every 30 s), loaded at start (`ZoneRepo.open`) and changed only after the database committed.
 * Limit (docs/cluster.md): a zone drawn through another process is not seen here until restart.
 */
import type { Zone } from '../analytics/zones.ts';
import type { SqlDb } from '../store/sql/db.ts';

export interface CameraZones {
  zones: Zone[];
  updatedAt: number | null;
  updatedBy: string | null;
}

export class ZoneRepo {
  private readonly cache = new Map<string, { zones: Zone[]; updatedAt: number; updatedBy: string | null }>();

  private constructor(private readonly s: SqlDb) {}

  static async open(s: SqlDb): Promise<ZoneRepo> {
    const r = new ZoneRepo(s);
    await r.reload();
    return r;
  }

  async reload(): Promise<void> {
    const rows = await this.s.db.selectFrom('camera_zones').selectAll().execute();
    this.cache.clear();
    for (const r of rows) this.cache.set(r.camera_id, { zones: JSON.parse(r.zones) as Zone[], updatedAt: Number(r.updated_at), updatedBy: r.updated_by });
  }

  get(cameraId: string): CameraZones {
    const r = this.cache.get(cameraId);
    if (!r) return { zones: [], updatedAt: null, updatedBy: null };
    return { zones: structuredClone(r.zones), updatedAt: r.updatedAt, updatedBy: r.updatedBy };
  }

  async set(cameraId: string, zones: Zone[], by: string, now = Date.now()): Promise<void> {
    const row = { camera_id: cameraId, zones: JSON.stringify(zones), updated_at: now, updated_by: by };
    await this.s.db
      .insertInto('camera_zones')
      .values(row)
      .onConflict((oc) => oc.column('camera_id').doUpdateSet({ zones: row.zones, updated_at: row.updated_at, updated_by: row.updated_by }))
      .execute();
    this.cache.set(cameraId, { zones: JSON.parse(row.zones) as Zone[], updatedAt: now, updatedBy: by });
  }

  /** Every camera that has at least one zone. */
  all(): Map<string, Zone[]> {
    const m = new Map<string, Zone[]>();
    for (const [id, r] of this.cache) if (r.zones.length) m.set(id, structuredClone(r.zones));
    return m;
  }
}
