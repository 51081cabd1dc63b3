/**
 * Dispatch to a guard's phone (issue L point 2). For a guard: their own dispatches, kept live from the SSE stream
 * (`dispatch` events; re-fetched on every (re)connect's `hello`), and the answers (steps, photos). For the post: the
 * guard accounts to pick from, dispatch pop-ups on the wall (an alarm's dispatch shows again at each new step until
 * dismissed), and the response times for compliance.
 */
import { ApiError, api, problemsOf, signalUnauthorized } from './api';
import { onSseEvent } from './sse';
import { session } from './session';
import { Store } from './store';
import type { Alarm } from './alarms';
import type { DispatchStepName, DispatchTimes, DispatchView, GuardAccount } from '../../../shared/wire/dispatch';
export type { DispatchStepName, DispatchTimes, DispatchView, GuardAccount, DispatchDayTimes } from '../../../shared/wire/dispatch';
import { MAX_PHOTO_BYTES, dispatchSummary } from '../../../shared/wire/dispatch';
export { MAX_DISPATCH_PHOTOS, MAX_PHOTO_BYTES } from '../../../shared/wire/dispatch';
import type { GuardDispatchSummary } from '../../../shared/wire/alarms';
import type { DispatchStepBody } from '../../../shared/wire/requests/dispatches';
export type { GuardDispatchSummary };

/** The alarm's summary form of a dispatch (what <wp-dispatch-steps> shows): the shared mapping, typed here. */
export const toSummary: (d: DispatchView) => GuardDispatchSummary = dispatchSummary;

export interface MineState {
  list: DispatchView[];
  loaded: boolean;
  acceptSeconds: number;
}

export const mine = new Store<MineState>({ list: [], loaded: false, acceptSeconds: 0 });

const isGuard = () => session.value.user?.role === 'guard';
/** Not handled first, newest first (as the server lists them). */
const order = (a: DispatchView, b: DispatchView) => Number(a.state === 'handled') - Number(b.state === 'handled') || b.sentAt - a.sentAt || b.id - a.id;

function upsertMine(d: DispatchView): void {
  const s = mine.value;
  mine.set({ ...s, list: [...s.list.filter((x) => x.id !== d.id), d].sort(order) });
}

export async function refreshMine(): Promise<void> {
  try {
    const r = await api<{ dispatches: DispatchView[]; acceptSeconds: number }>('GET', '/api/dispatches/mine');
    mine.set({ list: r.dispatches.sort(order), loaded: true, acceptSeconds: r.acceptSeconds });
  } catch {
    // the stream's reconnect brings another hello
  }
}

onSseEvent((name, data) => {
  if (!isGuard()) return;
  if (name === 'hello') void refreshMine();
  else if (name === 'dispatch' && data && typeof data === 'object' && 'id' in data) {
    const { step: _step, ...d } = data as DispatchView & { step?: string };
    upsertMine(d);
  }
});

/** The guard answers: on_way, arrived, handled (note optional). */
export async function answerStep(id: number, step: DispatchStepName, note?: string): Promise<DispatchView> {
  const d = await api<DispatchView>('POST', `/api/dispatches/${id}/step`, { body: { step, ...(note?.trim() ? { note: note.trim() } : {}) } satisfies DispatchStepBody });
  upsertMine(d);
  return d;
}

/**
 * A JPEG or PNG of at most 8 MB goes as it is; anything else the browser can decode (a 48 MP shot, HEIC in Safari) is
 * re-encoded as a JPEG of at most 3000 px; what it cannot decode goes as it is and the server says what is wrong.
 */
async function fitPhoto(file: Blob): Promise<Blob> {
  if ((file.type === 'image/jpeg' || file.type === 'image/png') && file.size <= MAX_PHOTO_BYTES) return file;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, 3000 / Math.max(bmp.width, bmp.height));
    const canvas = new OffscreenCanvas(Math.round(bmp.width * scale), Math.round(bmp.height * scale));
    canvas.getContext('2d')!.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  } catch {
    return file;
  }
}

/** Upload one photo (the server checks the bytes: JPEG or PNG, at most 8 MB, at most 3). */
export async function uploadPhoto(id: number, original: Blob): Promise<DispatchView> {
  const file = await fitPhoto(original);
  let res: Response;
  try {
    res = await fetch(`/api/dispatches/${id}/photos`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': file.type === 'image/png' ? 'image/png' : 'image/jpeg' },
      body: file,
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const data = (await res.json().catch(() => undefined)) as (DispatchView & { error?: { code?: string; message?: string; fields?: unknown } }) | undefined;
  if (!res.ok) {
    if (res.status === 401) signalUnauthorized();
    throw new ApiError(res.status, data?.error?.code ?? `http_${res.status}`, data?.error?.message ?? res.statusText, undefined, problemsOf(data?.error?.fields));
  }
  upsertMine(data!);
  return data!;
}

/** Guard accounts the post can dispatch to. */
export const guards = new Store<GuardAccount[]>([]);

export async function refreshGuards(): Promise<void> {
  try {
    guards.set((await api<{ guards: GuardAccount[] }>('GET', '/api/dispatches/guards')).guards);
  } catch {
    // a role that may not dispatch: no pick-list
  }
}

export const fetchDispatchTimes = (from: string, to: string) =>
  api<DispatchTimes>('GET', `/api/dispatches/times?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);

/** Dispatch pop-ups dismissed on this page: by dispatch and step, so the next step shows it again. */
export const dismissedDispatches = new Store<ReadonlySet<string>>(new Set());

export const dispatchPopupKey = (a: Alarm) => {
  const d = a.guardDispatch;
  return d ? `${d.id}:${d.state}:${d.overdueAt ? 'late' : ''}:${d.photos.length}` : '';
};

/** Alarms not resolved with a guard dispatch whose newest step is not dismissed here. */
export function dispatchPopups(list: readonly Alarm[], dismissed: ReadonlySet<string> = dismissedDispatches.value): Alarm[] {
  return list.filter((a) => a.status !== 'resolved' && a.guardDispatch && !dismissed.has(dispatchPopupKey(a)));
}

export function dismissDispatchPopup(a: Alarm): void {
  dismissedDispatches.set(new Set([...dismissedDispatches.value, dispatchPopupKey(a)]));
}
