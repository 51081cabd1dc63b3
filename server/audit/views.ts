/**
 * Who watched which camera. Players poll (a live playlist every second, recorded segments every few
 * seconds), so a viewing session is derived from the requests: the first request of a session for a
 * camera writes `<kind>.view.start`, and once no request has come for `idleMs` the tracker writes
 * `<kind>.view.stop` with how long it lasted and (recorded) which span of footage was fetched.
 */
import { createHash } from 'node:crypto';
import type { AuditActor, AuditLog } from './log.ts';

export type ViewKind = 'live' | 'recording';

export interface ViewTouch {
  /** the session token (hashed here, never stored) */
  session: string;
  actor: AuditActor;
  cameraId: string;
  kind: ViewKind;
  /** recorded footage fetched by this request (wall-clock ms) */
  span?: { startMs: number; endMs: number };
}

interface Viewing {
  actor: AuditActor;
  cameraId: string;
  kind: ViewKind;
  started: number;
  last: number;
  requests: number;
  spanStart?: number;
  spanEnd?: number;
  /** recorded: the start entry waits for the first footage request, so it can say which footage */
  startPending?: boolean;
}

export interface ViewTrackerOptions {
  /** no request for this long = stopped watching (default 20 s) */
  idleMs?: number;
  now?: () => number;
}

export class ViewTracker {
  private readonly open = new Map<string, Viewing>();
  private readonly idleMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly audit: AuditLog,
    o: ViewTrackerOptions = {},
  ) {
    this.idleMs = o.idleMs ?? 20_000;
    this.now = o.now ?? Date.now;
  }

  /** Check for idle viewers periodically (unref'd). */
  start(): void {
    this.timer ??= setInterval(() => this.sweep(), Math.max(250, Math.min(5000, this.idleMs / 4)));
    this.timer.unref();
  }

  touch(t: ViewTouch): void {
    const now = this.now();
    const key = `${createHash('sha256').update(t.session).digest('hex').slice(0, 24)}|${t.kind}|${t.cameraId}`;
    let v = this.open.get(key);
    if (v && now - v.last > this.idleMs) {
      this.close(v, v.last);
      this.open.delete(key);
      v = undefined;
    }
    if (!v) {
      v = { actor: t.actor, cameraId: t.cameraId, kind: t.kind, started: now, last: now, requests: 0, startPending: true };
      this.open.set(key, v);
    }
    v.last = now;
    v.requests++;
    if (t.span) {
      v.spanStart = Math.min(v.spanStart ?? t.span.startMs, t.span.startMs);
      v.spanEnd = Math.max(v.spanEnd ?? t.span.endMs, t.span.endMs);
    }
    if (v.startPending && (t.kind === 'live' || t.span)) this.recordStart(v);
  }

  private recordStart(v: Viewing): void {
    v.startPending = false;
    this.audit.record({
      action: `${v.kind}.view.start`,
      actor: v.actor,
      cameraId: v.cameraId,
      atMs: v.kind === 'live' ? v.started : (v.spanStart ?? null),
      detail: v.kind === 'recording' && v.spanStart !== undefined ? { footageFrom: new Date(v.spanStart).toISOString() } : {},
    });
  }

  /** Close viewings idle for longer than idleMs. */
  sweep(): void {
    const now = this.now();
    for (const [key, v] of this.open) {
      if (now - v.last > this.idleMs) {
        this.close(v, v.last);
        this.open.delete(key);
      }
    }
  }

  /** Close everything (shutdown). */
  stopAll(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const v of this.open.values()) this.close(v, v.last);
    this.open.clear();
  }

  get active(): number {
    return this.open.size;
  }

  private close(v: Viewing, endedAt: number): void {
    if (v.startPending) this.recordStart(v);
    const detail: Record<string, unknown> = {
      startedAt: new Date(v.started).toISOString(),
      lastRequestAt: new Date(endedAt).toISOString(),
      durationMs: endedAt - v.started,
      requests: v.requests,
    };
    if (v.spanStart !== undefined && v.spanEnd !== undefined) {
      detail.footageFrom = new Date(v.spanStart).toISOString();
      detail.footageTo = new Date(v.spanEnd).toISOString();
    }
    this.audit.record({
      action: `${v.kind}.view.stop`,
      actor: v.actor,
      cameraId: v.cameraId,
      atMs: v.kind === 'live' ? v.started : (v.spanStart ?? null),
      detail,
      time: Math.max(endedAt, this.now()),
    });
  }
}
