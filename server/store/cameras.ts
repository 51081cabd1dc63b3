import type { Db } from './db.ts';
import type { SecretBox } from './secret-box.ts';
import type { CameraConfig } from '../cameras/types.ts';

interface Row {
  id: string;
  name: string;
  enabled: number;
  url: string;
  sub_url: string | null;
  username: string | null;
  password_enc: string | null;
  retention_days: number | null;
}

/** Cameras added in the console. Passwords are sealed with the SecretBox. */
export class CameraRepo {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  private toCamera(r: Row): CameraConfig {
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

  list(): CameraConfig[] {
    return (this.db.prepare('SELECT * FROM cameras ORDER BY created_at, id').all() as Row[]).map((r) =>
      this.toCamera(r),
    );
  }

  get(id: string): CameraConfig | undefined {
    const r = this.db.prepare('SELECT * FROM cameras WHERE id = ?').get(id) as Row | undefined;
    return r && this.toCamera(r);
  }

  /** Insert or replace the whole camera. */
  save(c: CameraConfig): void {
    const now = Date.now();
    const s = c.source;
    this.db
      .prepare(
        `INSERT INTO cameras (id, name, enabled, url, sub_url, username, password_enc, retention_days, created_at, updated_at)
         VALUES (@id, @name, @enabled, @url, @sub_url, @username, @password_enc, @retention_days, @now, @now)
         ON CONFLICT(id) DO UPDATE SET name=@name, enabled=@enabled, url=@url, sub_url=@sub_url,
           username=@username, password_enc=@password_enc, retention_days=@retention_days, updated_at=@now`,
      )
      .run({
        id: c.id,
        name: c.name,
        enabled: c.enabled ? 1 : 0,
        url: s.url,
        sub_url: s.subUrl ?? null,
        username: s.username || null,
        password_enc: s.password ? this.box.seal(s.password) : null,
        retention_days: c.retentionDays ?? null,
        now,
      });
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
  }
}
