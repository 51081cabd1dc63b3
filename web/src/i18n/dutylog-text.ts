/**
 * The text of a duty-log entry in the current language. Automatic entries are stored as a code (`kind`) with
 * their parameters (`data`), both sealed on the hash chain, next to an English sentence for tools that read the
 * log as text; the console renders them from kind and data, per reader. Entries written before every parameter
 * was in `data` (session 8) are read from their English sentence instead. Manual entries and corrections are the
 * user's own words. When an entry does not have the expected shape, its stored text is shown.
 */
import type { LogEntry } from '../data/dutylog';
import { formatDateTime, hasKey, t } from './index';
import { reasonLabel } from './server-text';

const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

/** A parameter from data when the entry has it, else what `old` reads from an older entry's sentence. */
const param = (d: Record<string, unknown>, key: string, old: () => string): string => (typeof d[key] === 'string' ? (d[key] as string) : old());

/** The user's note that the server appended after " — " following `marker`. */
function noteAfter(text: string, marker: string): string {
  const i = text.indexOf(marker);
  if (i < 0) return '';
  const j = text.indexOf(' — ', i + marker.length);
  return j < 0 ? '' : text.slice(j + 3);
}

const withNote = (s: string, note: string) => (note ? `${s} — ${note}` : s);

export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? t('duty.seconds', { n: s }) : t('duty.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

function alarmKind(k: string): string {
  const key = `alarms.kind.${k}`;
  return hasKey(key) ? t(key) : k;
}

function outcomeText(o: unknown): string {
  const key = `alarms.outcome.${str(o) || 'none'}`;
  return hasKey(key) ? t(key) : str(o);
}

function stopOutcome(o: string): string {
  const key = `outcome.${o === 'not_done' ? 'pending' : o}`;
  return hasKey(key) ? t(key) : o;
}

function build(e: LogEntry, cameraName: (id: string) => string): string | null {
  const d = e.data ?? {};
  const cam = e.cameraId ? cameraName(e.cameraId) : '';
  const where = () => t('duty.where', { camera: cam, zone: str(d.zone) });
  const id = str(d.alarmId);
  switch (e.kind) {
    case 'alarm':
      return t('duty.alarm', { id, kind: alarmKind(str(d.kind)), where: where() });
    case 'alarm_ack':
      return withNote(t('duty.alarm_ack', { id, where: where() }), param(d, 'note', () => noteAfter(e.text, '): acknowledged')));
    case 'alarm_dispatch': {
      const to = param(d, 'to', () => /\): dispatched to (.*?)(?: — |$)/s.exec(e.text)?.[1] ?? '');
      if (!to) return null;
      return withNote(t('duty.alarm_dispatch', { id, where: where(), to }), param(d, 'note', () => noteAfter(e.text, '): dispatched to ')));
    }
    case 'alarm_resolved':
      return withNote(t('duty.alarm_resolved', { id, where: where(), outcome: outcomeText(d.outcome) }), param(d, 'note', () => noteAfter(e.text, '): resolved as ')));
    case 'dispatch_on_way':
    case 'dispatch_arrived':
    case 'dispatch_handled': {
      const after = durationText(num(d.afterMs));
      const photos = Array.isArray(d.photos) ? d.photos.length : 0;
      const guard = str(d.guardName) ? `${str(d.guardName)} (${str(d.guard)})` : str(d.guard);
      const s = withNote(t(`duty.${e.kind}`, { id, where: where(), guard, after }), param(d, 'note', () => noteAfter(e.text, ' after dispatch')));
      return photos ? t('duty.withParen', { s, text: t('duty.dispatch_photos', { n: photos }) }) : s;
    }
    case 'dispatch_overdue':
      return t('duty.dispatch_overdue', { id, where: where(), guard: str(d.guard), after: durationText(num(d.acceptBy) - num(d.sentAt)) });
    case 'dispatch_request': {
      const note = param(d, 'note', () => (e.text.startsWith('dispatch requested: ') ? e.text.slice('dispatch requested: '.length) : ''));
      return note ? t('duty.withText', { s: t('duty.dispatch_request'), text: note }) : t('duty.dispatch_request');
    }
    case 'camera_offline':
      return t('duty.camera_offline', { camera: cam, reason: reasonLabel(str(d.reason) || 'error') });
    case 'camera_online':
      return t('duty.camera_online', { camera: cam });
    case 'round_completed':
    case 'round_abandoned': {
      const status = e.kind === 'round_completed' ? 'completed' : 'abandoned';
      const i = e.text.indexOf(`: round ${status}`);
      if ((i < 0 && typeof d.route !== 'string') || !Array.isArray(d.stops)) return null;
      const route = param(d, 'route', () => e.text.slice(0, i));
      const counts = new Map<string, number>();
      for (const s of d.stops as { outcome?: string | null }[]) counts.set(s.outcome ?? 'not_done', (counts.get(s.outcome ?? 'not_done') ?? 0) + 1);
      const summary = [...counts].map(([k, n]) => `${stopOutcome(k)} ${n}`).join(t('duty.listSep'));
      let reason = typeof d.reason === 'string' ? d.reason : '';
      if (status === 'abandoned' && !('reason' in d)) {
        const from = i + `: round ${status} (`.length;
        const to = e.text.lastIndexOf(') — ');
        reason = to > from ? e.text.slice(from, to) : '';
      }
      return t(`duty.${e.kind}`, { route, summary, reason });
    }
    case 'round_missed': {
      const i = e.text.indexOf(': round due ');
      if (i < 0 && typeof d.route !== 'string') return null;
      return t('duty.round_missed', { route: param(d, 'route', () => e.text.slice(0, i)), time: formatDateTime(num(d.slotMs)) });
    }
    case 'spot_check': {
      if (typeof d.route === 'string') {
        const verdict = t(d.verdict === 'agree' ? 'round.agree' : 'round.disagree');
        const p = { route: d.route, round: str(d.roundId), stop: String(num(d.stop) + 1), camera: str(d.cameraName), outcome: stopOutcome(str(d.outcome)), user: str(d.operator), verdict };
        return withNote(t('duty.spot_check', p), str(d.note));
      }
      const m = /^Spot-check of (.*) round (\d+), stop (\d+) \((.*), (\w+) by (.*?)\): (agree|disagree)/s.exec(e.text);
      if (!m) return null;
      const verdict = t(m[7] === 'agree' ? 'round.agree' : 'round.disagree');
      return withNote(
        t('duty.spot_check', { route: m[1]!, round: m[2]!, stop: m[3]!, camera: m[4]!, outcome: stopOutcome(m[5]!), user: m[6]!, verdict }),
        str(d.note),
      );
    }
    case 'handover': {
      const items = (d.openItems ?? {}) as { openAlarms?: number; alarms?: unknown[]; offlineCameras?: unknown[]; missedRounds?: unknown[] };
      const s = t('duty.handover', {
        user: e.authorName,
        alarms: items.openAlarms ?? items.alarms?.length ?? 0,
        offline: items.offlineCameras?.length ?? 0,
        missed: items.missedRounds?.length ?? 0,
      });
      return t('duty.withText', { s, text: str(d.notes) });
    }
    case 'handover_ack': {
      const from = param(d, 'from', () => /^Handover \d+ from (.*) acknowledged by /s.exec(e.text)?.[1] ?? '');
      if (!from) return null;
      const s = t('duty.handover_ack', { id: str(d.handoverId), from, user: e.authorName });
      return str(d.note) ? t('duty.withText', { s, text: str(d.note) }) : s;
    }
    case 'equipment_check': {
      const flagged = Array.isArray(d.flagged) ? (d.flagged as { id?: string }[]) : [];
      let s = t('duty.equipment_check', { date: str(d.date), user: e.authorName, cameras: num(d.cameras), flagged: flagged.length });
      if (flagged.length) s = t('duty.withParen', { s, text: flagged.map((f) => cameraName(str(f.id))).join(t('duty.listSep')) });
      return str(d.note) ? t('duty.withText', { s, text: str(d.note) }) : s;
    }
    case 'disk_full': {
      const extra = [num(d.writtenLate) > 0 ? t('duty.disk_full_late', { n: num(d.writtenLate) }) : '', num(d.lost) > 0 ? t('duty.disk_full_lost', { n: num(d.lost) }) : ''].filter(Boolean);
      const s = t('duty.disk_full', { from: formatDateTime(num(d.from)), to: formatDateTime(num(d.to)) });
      return extra.length ? t('duty.withParen', { s, text: extra.join(t('duty.listSep')) }) : s;
    }
    default:
      return null;
  }
}

export function dutyText(e: LogEntry, cameraName: (id: string) => string = (id) => id): string {
  try {
    return build(e, cameraName) ?? dutyLineText(e.text);
  } catch {
    return e.text;
  }
}

const ALARM_KINDS: Record<string, string> = { loitering: 'loitering', 'blocked exit': 'blocked_exit', 'camera tamper': 'camera_tamper' };
const OUTCOMES: Record<string, string> = { genuine: 'genuine', 'false alarm': 'false_alarm', test: 'test', 'outcome not given': 'none' };
const STEPS: Record<string, 'dispatch_on_way' | 'dispatch_arrived' | 'dispatch_handled'> = {
  'on my way': 'dispatch_on_way',
  arrived: 'dispatch_arrived',
  handled: 'dispatch_handled',
};
const HEAD = String.raw`^Alarm #(\d+) \((.*), zone (.*?)\): `;

/**
 * An automatic entry's text when only the text is known (a timeline marker): the server's English sentence
 * (server/dutylog/*.ts, server/patrol/*.ts) in the current language; any other text as it is.
 */
export function dutyLineText(text: string): string {
  const where = (camera: string, zone: string) => t('duty.where', { camera, zone });
  const note = (s: string, n: string | undefined) => withNote(s, n ?? '');
  let m = /^Alarm #(\d+): (.+?) \/ [^—]* — (.*), zone (.*)$/s.exec(text);
  if (m) return t('duty.alarm', { id: m[1]!, kind: alarmKind(ALARM_KINDS[m[2]!] ?? m[2]!), where: where(m[3]!, m[4]!) });
  m = new RegExp(HEAD + '(.*) (on my way|arrived|handled) \\/ \\S+, (\\d+) s after dispatch(?: — (.*?))?(?: \\((\\d+) photos? \\/ [^)]*\\))?$', 's').exec(text);
  if (m) {
    const s = note(t(`duty.${STEPS[m[5]!]!}`, { id: m[1]!, where: where(m[2]!, m[3]!), guard: m[4]!, after: durationText(Number(m[6]) * 1000) }), m[7]);
    return m[8] ? t('duty.withParen', { s, text: t('duty.dispatch_photos', { n: m[8] }) }) : s;
  }
  m = new RegExp(HEAD + 'dispatch to (.*) not accepted within (\\d+) s(?: \\/.*)?$', 's').exec(text);
  if (m) return t('duty.dispatch_overdue', { id: m[1]!, where: where(m[2]!, m[3]!), guard: m[4]!, after: durationText(Number(m[5]) * 1000) });
  m = new RegExp(HEAD + 'acknowledged(?: — (.*))?$', 's').exec(text);
  if (m) return note(t('duty.alarm_ack', { id: m[1]!, where: where(m[2]!, m[3]!) }), m[4]);
  m = new RegExp(HEAD + 'resolved as (genuine|false alarm|test|outcome not given) \\/ [^—]*?(?: — (.*))?$', 's').exec(text);
  if (m) return note(t('duty.alarm_resolved', { id: m[1]!, where: where(m[2]!, m[3]!), outcome: outcomeText(OUTCOMES[m[4]!]) }), m[5]);
  m = new RegExp(HEAD + 'dispatched to (.*?)(?: — (.*))?$', 's').exec(text);
  if (m) return note(t('duty.alarm_dispatch', { id: m[1]!, where: where(m[2]!, m[3]!), to: m[4]! }), m[5]);
  m = /^(.*): offline \((.*)\)$/s.exec(text);
  if (m) return t('duty.camera_offline', { camera: m[1]!, reason: reasonLabel(m[2]!) });
  m = /^(.*): back online$/s.exec(text);
  if (m) return t('duty.camera_online', { camera: m[1]! });
  m = /^(.*): round (completed|abandoned)(?: \((.*)\))? — (.*)$/s.exec(text);
  if (m) {
    const summary = m[4]!
      .split(', ')
      .map((part) => part.replace(/^(\w+) (\d+)$/, (_x, o: string, n: string) => `${stopOutcome(o)} ${n}`))
      .join(t('duty.listSep'));
    return t(m[2] === 'completed' ? 'duty.round_completed' : 'duty.round_abandoned', { route: m[1]!, reason: m[3] ?? '', summary });
  }
  m = /^(.*): round due (\S+) was missed$/s.exec(text);
  if (m) return t('duty.round_missed', { route: m[1]!, time: formatDateTime(Date.parse(m[2]!)) });
  m = /^dispatch requested: (.*)$/s.exec(text);
  if (m) return m[1] ? t('duty.withText', { s: t('duty.dispatch_request'), text: m[1] }) : t('duty.dispatch_request');
  m = /^Handover by (.*) \((\d+) open alarms, (\d+) offline cameras, (\d+) missed rounds\): (.*)$/s.exec(text);
  if (m) return t('duty.withText', { s: t('duty.handover', { user: m[1]!, alarms: m[2]!, offline: m[3]!, missed: m[4]! }), text: m[5]! });
  m = /^Handover (\d+) from (.*) acknowledged by (.*?)(?:: (.*))?$/s.exec(text);
  if (m) {
    const s = t('duty.handover_ack', { id: m[1]!, from: m[2]!, user: m[3]! });
    return m[4] ? t('duty.withText', { s, text: m[4] }) : s;
  }
  m = /^Equipment check (\S+) signed by (.*?): (\d+) cameras, (\d+) flagged(?: \((.*?)\))?(?:: (.*))?$/s.exec(text);
  if (m) {
    let s = t('duty.equipment_check', { date: m[1]!, user: m[2]!, cameras: m[3]!, flagged: m[4]! });
    if (m[5]) s = t('duty.withParen', { s, text: m[5] });
    return m[6] ? t('duty.withText', { s, text: m[6] }) : s;
  }
  m = /^Spot-check of (.*) round (\d+), stop (\d+) \((.*), (\w+) by (.*?)\): (agree|disagree)(?: — (.*))?$/s.exec(text);
  if (m) {
    const verdict = t(m[7] === 'agree' ? 'round.agree' : 'round.disagree');
    return note(t('duty.spot_check', { route: m[1]!, round: m[2]!, stop: m[3]!, camera: m[4]!, outcome: stopOutcome(m[5]!), user: m[6]!, verdict }), m[8]);
  }
  return text;
}

/**
 * A timeline marker's label (server/startup/timeline-sources.ts): an alarm's is "<kind> · <zone>", a duty-log
 * entry's "#<seq> <text>", a patrol stop's "<route> #<round> · <n>. <outcome> · <user>[ · <note>]".
 */
export function markerLabel(m: { kind: string; label: string }): string {
  if (m.kind === 'duty-log') {
    const d = /^(#\d+ )(.*)$/s.exec(m.label);
    return d ? d[1]! + dutyLineText(d[2]!) : m.label;
  }
  if (m.kind === 'patrol-stop') {
    const p = /^(.*? #\d+ · \d+\. )([a-z_]+)( · .*)$/s.exec(m.label);
    return p ? p[1]! + stopOutcome(p[2]!) + p[3]! : m.label;
  }
  if (m.kind !== 'alarm') return m.label;
  const i = m.label.indexOf(' · ');
  const kind = i < 0 ? m.label : m.label.slice(0, i);
  const key = `alarms.kind.${kind}`;
  return hasKey(key) ? t(key) + (i < 0 ? '' : m.label.slice(i)) : m.label;
}

/** The author of an entry: the server writes automatic entries as "system". */
export function dutyAuthor(e: LogEntry): string {
  return e.authorName === 'system' ? t('duty.system') : e.authorName;
}
