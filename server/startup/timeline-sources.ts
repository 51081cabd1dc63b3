/**
 * What the recording timeline shows besides footage: alarms, patrol stops and duty-log entries as markers
 * (range queries per camera), each linking back to its page.
 */
import type { AlarmService } from '../alarms/service.ts';
import { entryFootageMs } from '../dutylog/log.ts';
import type { Patrol } from '../patrol/index.ts';
import type { TimelineService } from '../record/timeline.ts';

export function addTimelineSources(timeline: TimelineService, alarms: AlarmService, patrol: Patrol): void {
  // alarms, patrol stops and duty-log entries as markers on the recording timeline (range queries per camera)
  timeline.addSource({
    kind: 'alarm',
    list: async (cameraId, from, to) =>
      (await alarms.between(cameraId, from, to))
        .map((a) => ({ kind: 'alarm', id: String(a.id), at: a.recordingMs, end: a.endMs ?? undefined, label: `${a.kind} · ${a.zone}`, severity: 'alarm' as const, href: '/alarms' })),
  });
  const SLACK_MS = 5 * 60_000; // footage times lie before the view / entry times: live latency, offline debounce
  timeline.addSource({
    kind: 'patrol-stop',
    list: async (cameraId, from, to) =>
      (await patrol.roundRepo.stopsForCamera(cameraId, from, to + SLACK_MS)).flatMap((s) => {
        const at = s.recFromMs ?? s.viewStartedMs ?? 0;
        const end = s.recToMs ?? s.viewEndedMs ?? at;
        if (at >= to || end < from) return [];
        const label = `${s.routeName} #${s.roundId} · ${s.idx + 1}. ${s.outcome ?? ''} · ${s.username}${s.note ? ` · ${s.note}` : ''}`;
        return [{ kind: 'patrol-stop', id: `${s.roundId}:${s.idx}`, at, end, label, severity: s.outcome === 'anomaly' ? ('warning' as const) : ('info' as const) }];
      }),
  });
  timeline.addSource({
    kind: 'duty-log',
    list: async (cameraId, from, to) =>
      (await patrol.log.forCamera(cameraId, from, to + SLACK_MS)).flatMap((e) => {
        const at = entryFootageMs(e);
        if (at < from || at >= to) return [];
        const severity = e.category === 'anomaly' || e.category === 'dispatch' ? ('warning' as const) : ('info' as const);
        return [{ kind: 'duty-log', id: String(e.seq), at, label: `#${e.seq} ${e.text}`, severity, href: '/dutylog' }];
      }),
  });
}
