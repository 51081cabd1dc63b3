/**
 * Cameras added in the console, on the SQL layer (Kysely, docs/cluster.md): table cameras (legacy migration 1 on
 * SQLite; SQL step 0022). Passwords are sealed with the SecretBox. Async; the cache of cameras is the
 * CameraService's own map (server/cameras/service.ts), loaded from `list()` at start.
 */
import type { Selectable } from 'kysely';
import type { SqlDb } from './sql/db.ts';
import type { CamerasTable } from './sql/schema.ts';
import type { SecretBox } from './secret-box.ts';
import type { CameraConfig } from '../cameras/types.ts';

export class CameraRepo {
  constructor(
    private readonly s: SqlDb,
    private readonly box: SecretBox,
  ) {}

  private toCamera(r: Selectable<CamerasTable>): CameraConfig {
    return {
      id: r.id,
      name: r.name,
      enabled: r.enabled === 1,
      origin: 'db',
      source: {
        url: r.url,
        subUrl: r.sub_url ?? undefined,
        username: r.username ?? undefined,
        password: r.password_enc ? this.box.open(r.password_enc) : undefined,
      },
      retentionDays: r.retention_days ?? undefined,
    };
  }

  async list(): Promise<CameraConfig[]> {
    const rows = await this.s.db.selectFrom('cameras').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => this.toCamera(r));
  }

  async get(id: string): Promise<CameraConfig | undefined> {
    const r = await this.s.db.selectFrom('cameras').selectAll().where('id', '=', id).executeTakeFirst();
    return r && this.toCamera(r);
  }

  /** Insert or replace the whole camera (its ONVIF facts stay: an upsert, not a delete and insert). */
  async save(c: CameraConfig): Promise<void> {
    const now = Date.now();
    const s = c.source;
    const row = {
      name: c.name,
      enabled: c.enabled ? 1 : 0,
      url: s.url,
      sub_url: s.subUrl ?? null,
      username: s.username || null,
      password_enc: s.password ? this.box.seal(s.password) : null,
      retention_days: c.retentionDays ?? null,
      updated_at: now,
    };
    await this.s.db
      .insertInto('cameras')
      .values({ id: c.id, ...row, created_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.s.db.deleteFrom('cameras').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
