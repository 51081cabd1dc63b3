import { randomBytes } from 'node:crypto';
import type { EventBus } from '../events/bus.ts';
import type { CameraRepo } from '../store/cameras.ts';
import { conflict, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { CAMERA_ID_RE, stripCredentials, type CameraConfig, type CameraState } from './types.ts';
import type { CameraView } from '../../shared/wire/cameras.ts';
export type { CameraView } from '../../shared/wire/cameras.ts';

const log = createLogger('cameras');

/** What the media layer must offer the camera service. */
export interface MediaControl {
  apply(camera: CameraConfig): void;
  remove(cameraId: string): Promise<void>;
  state(cameraId: string): CameraState | undefined;
  /** Set when the main stream has its own live HLS (camera with a sub-stream, H.264 main stream). */
  mainLiveDir?(cameraId: string): string | undefined;
}

export interface CameraInput {
  id?: string;
  name: string;
  url: string;
  subUrl?: string | null;
  username?: string;
  password?: string;
  enabled?: boolean;
}

/** Extra view fields computed by another module (ONVIF info, thumbnails). */
export type ViewExtra = (c: CameraConfig) => Partial<Pick<CameraView, 'onvif' | 'clockOffsetMs' | 'thumbnailUrl'>>;

/**
 * The set of cameras: fixed ones (config file, demo) and ones added in the console (database).
 * Keeps the media layer in step with every change and tells subscribers.
 */
export class CameraService {
  private readonly cameras = new Map<string, CameraConfig>();
  /** ids being created (saved, not yet in the map): a second create of one id is a 409, not an overwrite */
  private readonly creating = new Set<string>();
  private readonly viewExtras: ViewExtra[] = [];

  constructor(
    private readonly repo: CameraRepo,
    private readonly media: MediaControl,
    private readonly bus: EventBus,
    fixed: CameraConfig[],
    /** cluster.nodeId: this box holds every camera it lists */
    private readonly nodeId: string,
  ) {
    for (const c of fixed) this.cameras.set(c.id, c);
  }

  /** The cameras added in the console, from the database (once, at start, before anything reads the list). */
  async load(): Promise<void> {
    for (const c of await this.repo.list()) {
      if (this.cameras.has(c.id)) {
        log.warn('camera in the database shadows a config camera with the same id; using the config one', { camera: c.id });
        continue;
      }
      this.cameras.set(c.id, c);
    }
  }

  startAll(): void {
    for (const c of this.cameras.values()) this.media.apply(c);
  }

  list(): CameraConfig[] {
    return [...this.cameras.values()];
  }

  get(id: string): CameraConfig | undefined {
    return this.cameras.get(id);
  }

  require(id: string): CameraConfig {
    const c = this.cameras.get(id);
    if (!c) throw notFound(`no camera "${id}"`, { what: 'camera', id });
    return c;
  }

  addViewExtra(fn: ViewExtra): void {
    this.viewExtras.push(fn);
  }

  view(c: CameraConfig): CameraView {
    const v = this.baseView(c);
    for (const fn of this.viewExtras) Object.assign(v, fn(c));
    return v;
  }

  private baseView(c: CameraConfig): CameraView {
    const st = this.media.state(c.id) ?? (c.enabled ? { status: 'starting' as const, since: Date.now() } : { status: 'disabled' as const, since: Date.now() });
    return {
      id: c.id,
      name: c.name,
      enabled: c.enabled,
      status: st.status,
      statusReason: st.status === 'offline' ? (st.reason ?? 'error') : null,
      statusDetail: st.detail ?? null,
      statusSince: st.since,
      hlsUrl: `/hls/${encodeURIComponent(c.id)}/index.m3u8`,
      hlsMainUrl: this.media.mainLiveDir?.(c.id)
        ? `/hls/${encodeURIComponent(c.id)}/main/index.m3u8`
        : `/hls/${encodeURIComponent(c.id)}/index.m3u8`,
      url: stripCredentials(c.source.url),
      subUrl: c.source.subUrl ? stripCredentials(c.source.subUrl) : null,
      hasCredentials: Boolean(c.source.username),
      origin: c.origin,
      node: this.nodeId,
    };
  }

  counts(): { online: number; total: number } {
    let online = 0;
    for (const c of this.cameras.values()) if (this.media.state(c.id)?.status === 'online') online++;
    return { online, total: this.cameras.size };
  }

  private newId(name: string): string {
    const slug = name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40);
    let id = CAMERA_ID_RE.test(slug) ? slug : `cam-${randomBytes(3).toString('hex')}`;
    for (let n = 2; this.cameras.has(id) || this.creating.has(id); n++) id = `${slug || 'cam'}-${n}`;
    return id;
  }

  async create(input: CameraInput): Promise<CameraConfig> {
    const id = input.id ?? this.newId(input.name);
    if (this.cameras.has(id) || this.creating.has(id)) throw conflict(`a camera with id "${id}" exists`, 'exists', { what: 'camera', name: id });
    const cam: CameraConfig = {
      id,
      name: input.name,
      enabled: input.enabled ?? true,
      origin: 'db',
      source: {
        url: input.url,
        subUrl: input.subUrl ?? undefined,
        username: input.username || undefined,
        password: input.username ? input.password : undefined,
      },
    };
    this.creating.add(id);
    try {
      await this.repo.save(cam);
    } finally {
      this.creating.delete(id);
    }
    this.cameras.set(id, cam);
    log.info('camera added', { camera: id, url: cam.source.url });
    this.media.apply(cam);
    this.bus.emit('camera.changed', { cameraId: id });
    return cam;
  }

  async update(id: string, patch: Partial<CameraInput>): Promise<CameraConfig> {
    const cur = this.require(id);
    if (cur.origin !== 'db') {
      throw conflict(`camera "${id}" comes from the config file; change it there`, 'read_only', { what: 'camera_config', id });
    }
    const src = { ...cur.source };
    if (patch.url !== undefined) src.url = patch.url;
    if (patch.subUrl !== undefined) src.subUrl = patch.subUrl ?? undefined;
    if (patch.username !== undefined) src.username = patch.username || undefined;
    if (patch.password !== undefined) src.password = patch.password || undefined;
    if (!src.username) src.password = undefined;
    const next: CameraConfig = {
      ...cur,
      name: patch.name ?? cur.name,
      enabled: patch.enabled ?? cur.enabled,
      source: src,
    };
    await this.repo.save(next);
    this.cameras.set(id, next);
    log.info('camera changed', { camera: id, fields: Object.keys(patch).filter((k) => k !== 'password') });
    this.media.apply(next);
    this.bus.emit('camera.changed', { cameraId: id });
    return next;
  }

  async remove(id: string): Promise<void> {
    const cur = this.require(id);
    if (cur.origin !== 'db') {
      throw conflict(`camera "${id}" comes from the config file; remove it there`, 'read_only', { what: 'camera_config_remove', id });
    }
    await this.repo.delete(id);
    this.cameras.delete(id);
    await this.media.remove(id);
    log.info('camera removed', { camera: id });
    this.bus.emit('camera.changed', { cameraId: id, removed: true });
  }
}
