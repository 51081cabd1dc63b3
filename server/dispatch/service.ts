/**
 * Dispatch to a guard's phone (issue L point 2). The post dispatches an acknowledged alarm to a `guard` account;
 * the guard answers on my way → arrived → handled (each once, in that order: otherwise 409), with a note, and up to
 * MAX_DISPATCH_PHOTOS photos (JPEG/PNG) between accepting and "handled". Only the addressed guard may answer (403).
 *
 * Photos are stored under <dataDir>/alarms/dispatch-photos with their sha256 (table rows are append-only); the
 * "handled" duty-log entry names every photo with its sha256, so the photos are sealed by the hash-chained,
 * checkpoint-signed duty log like patrol shots. A dispatch not accepted within `acceptMs` is flagged once; the
 * deadline is stored (`accept_by_ms`), so after a restart the timers are set again from the database.
 *
 * Every change pushes `dispatch.updated` (the guard's phone, the duty log) and `alarm.progress` (the post: the
 * alarm carries a summary of its newest dispatch).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlarmService } from '../alarms/service.ts';
import type { EventBus } from '../events/bus.ts';
import type { SqlDb } from '../store/sql/db.ts';
import type { User } from '../store/users.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { MAX_DISPATCH_PHOTOS, MAX_PHOTO_BYTES, dispatchSummary, type DispatchState, type DispatchStepName, type DispatchView } from '../../shared/wire/dispatch.ts';
import type { AlarmView, GuardDispatchSummary } from '../../shared/wire/alarms.ts';
import { DispatchRepo, type AlarmFacts } from './repo.ts';

const log = createLogger('dispatch');

/** The state each step is taken from. */
const FROM: Record<DispatchStepName, DispatchState> = { on_way: 'sent', arrived: 'on_way', handled: 'arrived' };

export type DispatchEventStep = DispatchStepName | 'sent' | 'overdue' | 'photo';

/** JPEG or PNG by its first bytes (the Content-Type is not believed). */
export function imageType(b: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

export interface DispatchServiceOptions {
  /** the SQL layer (SQL step 0027) */
  sql: SqlDb;
  bus: EventBus;
  alarms: AlarmService;
  dataDir: string;
  /** alarms.dispatchAcceptSeconds × 1000 */
  acceptMs: number;
  cameraName?: (id: string) => string | undefined;
  now?: () => number;
}

export class DispatchService {
  readonly repo: DispatchRepo;
  readonly photoDir: string;
  readonly acceptMs: number;
  private readonly now: () => number;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /**
   * The newest dispatch of every alarm that has one, as the alarm list shows it (AlarmService asks synchronously
   * for every alarm it shows): loaded by start(), updated after every write of this service.
   */
  private readonly latest = new Map<number, GuardDispatchSummary>();
  /** photo uploads of one dispatch, one after the other (each takes the next number) */
  private readonly photoQueue = new Map<number, Promise<unknown>>();

  constructor(private readonly o: DispatchServiceOptions) {
    this.repo = new DispatchRepo(o.sql, async (alarmId): Promise<AlarmFacts | undefined> => {
      const a = await o.alarms.get(alarmId);
      return a && { zone: a.zone, kind: a.kind, hasSnapshot: a.snapshotUrl !== null };
    });
    this.photoDir = join(o.dataDir, 'alarms', 'dispatch-photos');
    this.acceptMs = o.acceptMs;
    this.now = o.now ?? Date.now;
    o.alarms.guardDispatchOf = (alarmId): GuardDispatchSummary | null => this.latest.get(alarmId) ?? null;
  }

  /** Load the alarms' newest dispatches and set the not-accepted timers of every dispatch still waiting (from the stored deadlines). */
  async start(): Promise<void> {
    for (const d of await this.repo.latestOfEveryAlarm()) this.latest.set(d.alarmId, dispatchSummary(d));
    for (const w of await this.repo.waiting()) this.arm(w.id, w.acceptByMs);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(id: number, atMs: number): void {
    clearTimeout(this.timers.get(id));
    // a timer may fire a millisecond before the wall clock reaches the deadline: then wait out the rest
    const fire = () => {
      if (this.now() < atMs) return this.arm(id, atMs);
      // a failed write (database gone) is logged; the timer must not end the process
      this.flagOverdue(id).catch((e: unknown) => log.error('cannot flag a dispatch not accepted in time', { id, err: e }));
    };
    const t = setTimeout(fire, Math.max(0, atMs - this.now()));
    t.unref();
    this.timers.set(id, t);
  }

  /** Flag a dispatch as not accepted in time (the timer calls it; idempotent). */
  async flagOverdue(id: number): Promise<boolean> {
    this.timers.delete(id);
    if (!(await this.repo.flagOverdue(id, this.now()))) return false;
    const d = await this.require(id);
    log.warn('dispatch not accepted in time', { id, alarm: d.alarmId, guard: d.guard });
    await this.changed(d, 'overdue');
    return true;
  }

  async get(id: number): Promise<DispatchView | undefined> {
    const d = await this.repo.get(id);
    return d && this.named(d);
  }

  /** The view with its camera's name as configured now. */
  named(d: DispatchView): DispatchView {
    return { ...d, cameraName: this.o.cameraName?.(d.cameraId) };
  }

  async require(id: number): Promise<DispatchView> {
    const d = await this.get(id);
    if (!d) throw notFound(`no dispatch ${id}`, { what: 'dispatch', id });
    return d;
  }

  /** The dispatch, when `user` may see it: the addressed guard; any other role (camera rights apply upstream). */
  async forUser(id: number, user: Pick<User, 'id' | 'role'>): Promise<DispatchView> {
    const d = await this.require(id);
    if (user.role === 'guard' && d.guardId !== user.id) throw forbidden(`dispatch ${id} is not addressed to you`, { what: 'dispatch', id });
    return d;
  }

  /** A guard's own dispatches: open ones and those handled in the last 12 h. */
  async mine(guardId: number): Promise<DispatchView[]> {
    return (await this.repo.ofGuard(guardId, this.now() - 12 * 3600_000)).map((d) => this.named(d));
  }

  /** Dispatch an acknowledged alarm to a guard account (the alarm becomes `dispatched`, 409 otherwise). */
  async dispatch(alarmId: number, by: string, guard: User, note?: string): Promise<{ alarm: AlarmView; dispatch: DispatchView }> {
    if (guard.role !== 'guard') throw badRequest(`${guard.username} is not a guard account`, 'not_a_guard', { what: 'not_guard', name: guard.username });
    if (guard.disabled) throw badRequest(`guard account ${guard.username} is disabled`, 'not_a_guard', { what: 'disabled', name: guard.username });
    const a = await this.o.alarms.dispatch(alarmId, by, guard.username, note);
    const sentMs = a.dispatch?.at ?? this.now();
    const id = await this.repo.insert({ alarmId, cameraId: a.cameraId, guardId: guard.id, by, note: note ?? null, sentMs, acceptByMs: sentMs + this.acceptMs });
    this.arm(id, sentMs + this.acceptMs);
    const d = await this.require(id);
    log.info('dispatched to a guard', { id, alarm: alarmId, guard: guard.username });
    const alarm = await this.changed(d, 'sent');
    return { alarm, dispatch: d };
  }

  /** The addressed guard answers one step. */
  async step(id: number, user: Pick<User, 'id' | 'role' | 'username'>, step: DispatchStepName, note?: string): Promise<DispatchView> {
    const before = await this.mustOwn(id, user);
    if (!(await this.repo.step(id, FROM[step], step, this.now(), note ?? null))) {
      // the state as it is now: another answer at once (a second phone, another node) may have taken the step
      const state = (await this.repo.get(id))?.state ?? before.state;
      throw conflict(`cannot mark dispatch ${id} ${step}: it is ${state} (needs ${FROM[step]})`, 'wrong_state', { what: 'dispatch', id, action: step, status: state, need: String(FROM[step]) });
    }
    if (step === 'on_way') {
      clearTimeout(this.timers.get(id));
      this.timers.delete(id);
    }
    const d = await this.require(id);
    log.info(`dispatch ${step}`, { id, alarm: d.alarmId, guard: d.guard });
    await this.changed(d, step);
    return d;
  }

  /** Add one photo (after accepting, before handled). Bad input is a 400 and changes nothing. */
  addPhoto(id: number, user: Pick<User, 'id' | 'role' | 'username'>, body: unknown): Promise<DispatchView> {
    // one upload of a dispatch at a time, so two at once take numbers n and n+1 (not one number twice)
    const run = (this.photoQueue.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.storePhoto(id, user, body));
    this.photoQueue.set(id, run);
    void run.finally(() => this.photoQueue.get(id) === run && this.photoQueue.delete(id)).catch(() => undefined);
    return run;
  }

  private async storePhoto(id: number, user: Pick<User, 'id' | 'role' | 'username'>, body: unknown): Promise<DispatchView> {
    const d = await this.mustOwn(id, user);
    if (d.state === 'sent') throw conflict(`dispatch ${id}: answer "on my way" before adding photos`, 'wrong_state', { what: 'dispatch_not_accepted', id });
    if (d.state === 'handled') throw conflict(`dispatch ${id} is handled: no more photos`, 'wrong_state', { what: 'dispatch_handled', id });
    if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('send the photo as the request body (Content-Type image/jpeg or image/png)', 'not_an_image');
    if (body.length > MAX_PHOTO_BYTES) throw badRequest(`a photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`, 'photo_too_large', { mb: MAX_PHOTO_BYTES / 1024 / 1024 });
    const mime = imageType(body);
    if (!mime) throw badRequest('not a JPEG or PNG image', 'not_an_image');
    const n = d.photos.length + 1;
    if (n > MAX_DISPATCH_PHOTOS) throw badRequest(`at most ${MAX_DISPATCH_PHOTOS} photos per dispatch`, 'too_many_photos', { n: MAX_DISPATCH_PHOTOS });
    const file = `dispatch-${id}-${n}.${mime === 'image/png' ? 'png' : 'jpg'}`;
    const sha256 = createHash('sha256').update(body).digest('hex');
    try {
      mkdirSync(this.photoDir, { recursive: true });
      writeFileSync(join(this.photoDir, file), body, { flag: 'wx' });
    } catch (e) {
      log.error('cannot store a dispatch photo', { id, n, err: e });
      throw new AppError(507, 'storage_failed', 'the photo could not be stored (disk full?); try again');
    }
    try {
      await this.repo.addPhoto({ dispatchId: id, n, file, mime, bytes: body.length, sha256, atMs: this.now() });
    } catch (e) {
      rmSync(join(this.photoDir, file), { force: true }); // no file without its row: the guard can send it again
      throw e;
    }
    const v = await this.require(id);
    await this.changed(v, 'photo');
    return v;
  }

  /** Path of a stored photo (n 1-based). */
  async photoPath(id: number, n: number): Promise<{ path: string; mime: string } | undefined> {
    const p = (await this.repo.photos(id)).find((x) => x.n === n);
    return p && /^dispatch-\d+-\d\.(jpg|png)$/.test(p.file) ? { path: join(this.photoDir, p.file), mime: p.mime } : undefined;
  }

  private async mustOwn(id: number, user: Pick<User, 'id' | 'role'>): Promise<DispatchView> {
    const d = await this.require(id);
    if (user.role !== 'guard' || d.guardId !== user.id) throw forbidden(`dispatch ${id} is not addressed to you`, { what: 'dispatch', id });
    return d;
  }

  private async changed(d: DispatchView, step: DispatchEventStep): Promise<AlarmView> {
    const prev = this.latest.get(d.alarmId);
    if (!prev || prev.sentAt < d.sentAt || (prev.sentAt === d.sentAt && prev.id <= d.id)) this.latest.set(d.alarmId, dispatchSummary(d));
    this.o.bus.emit('dispatch.updated', { dispatch: d, step });
    const a = await this.o.alarms.require(d.alarmId);
    // not `alarm.updated`: that is the alarm's own handling (duty log alarm-watch.ts); this only refreshes the console
    this.o.bus.emit('alarm.progress', a);
    return a;
  }
}
