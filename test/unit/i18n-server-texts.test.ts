/**
 * Issue K: the console's translations of what the server sends in English — automatic duty-log sentences (as on
 * timeline markers), validation messages and offline details — give zh-CN text without English words, and
 * English text unchanged in meaning. The server's sentences below are copied from server/dutylog/*.ts,
 * server/patrol/*.ts, server/http/routes/equipment.ts and server/media/classify.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldsFromMessage } from '../../server/http/error-fields.ts';
import { changeKind } from '../../server/audit/http.ts';

// web/src is type-checked by web/tsconfig.json (browser settings): loaded by a path the root project does not follow
type I18n = { setLang(lang: 'zh-CN' | 'en'): void };
type Entry = { kind: string; text: string; cameraId: string | null; authorName: string; data: Record<string, unknown> };
type Duty = { dutyLineText(text: string): string; markerLabel(m: { kind: string; label: string }): string; dutyText(e: Entry, cameraName?: (id: string) => string): string };
type Problem = { path: string; code: string; params?: Record<string, string | number>; message: string };
type Errors = { problemsText(fields: Problem[] | undefined): string | null };
type Server = {
  cameraDetailText(s: string): string;
  lockReasonText(s: string): string;
  gapReasonText(s: string): string;
  auditActionText(s: string): string;
  sceneReasonText(s: string): string;
};
const load = <T>(file: string): Promise<T> => import(new URL(`../../web/src/i18n/${file}`, import.meta.url).href) as Promise<T>;
let i18n: I18n;
let duty: Duty;
let errors: Errors;
let server: Server;

beforeAll(async () => {
  // the console's i18n reads the saved language and sets <html lang>: a minimal browser
  const store = new Map<string, string>([['wp.lang', 'zh-CN']]);
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
    document: { documentElement: {} },
  });
  i18n = await load<I18n>('index.ts');
  duty = await load<Duty>('dutylog-text.ts');
  errors = await load<Errors>('errors.ts');
  server = await load<Server>('server-text.ts');
});

/** Latin words left, after the names used in the samples. */
const latin = (s: string) => (s.replace(/\b(gate|wang|zhang|admin|sup)\b/g, '').match(/[A-Za-z]{2,}/g) ?? []);

const LINES = [
  'Alarm #7: loitering / 人员逗留 — 东门, zone 草坪',
  'Alarm #7 (东门, zone 草坪): acknowledged — 已看到',
  'Alarm #7 (东门, zone 草坪): dispatched to wang — 请去东门查看',
  'Alarm #7 (东门, zone 草坪): resolved as false alarm / 误报 — 树影',
  'Alarm #7 (东门, zone 草坪): resolved as outcome not given / 未注明结果',
  'Alarm #7 (东门, zone 草坪): 王保安 (wang) on my way / 已出发, 12 s after dispatch',
  'Alarm #7 (东门, zone 草坪): 王保安 (wang) handled / 已处置, 340 s after dispatch — 已处理 (2 photos / 照片 2 张)',
  'Alarm #7 (东门, zone 草坪): dispatch to 王保安 (wang) not accepted within 120 s / 派警超时未接受',
  '东门: offline (unreachable)',
  '东门: back online',
  '重点区域: round completed — normal 2, anomaly 1',
  '重点区域: round abandoned (下雨) — not_done 1, skipped 1',
  '重点区域: round due 2026-01-31T08:00:00.000Z was missed',
  'dispatch requested: 东门有人',
  'Handover by zhang (2 open alarms, 1 offline cameras, 0 missed rounds): 东门摄像机需检修',
  'Handover 3 from zhang acknowledged by admin: 收到',
  'Equipment check 2026-01-31 signed by admin: 4 cameras, 1 flagged (东门): 已报修',
  'Spot-check of 重点区域 round 5, stop 2 (东门, anomaly by zhang): disagree — 画面不清楚',
];

describe('server texts in the console language', () => {
  it('zh-CN: every automatic duty-log sentence is rebuilt without English words', () => {
    for (const line of LINES) {
      const zh = duty.dutyLineText(line);
      expect(zh, line).not.toBe(line);
      expect(latin(zh), `${line} → ${zh}`).toEqual([]);
    }
    expect(duty.dutyLineText('Alarm #7 (东门, zone 草坪): acknowledged — 已看到')).toBe('告警 #7（东门，区域 草坪）：已确认 — 已看到');
    expect(duty.dutyLineText('手写的值班记录')).toBe('手写的值班记录');
    expect(duty.markerLabel({ kind: 'alarm', label: 'blocked_exit · 消防通道' })).toBe('消防通道堵塞 · 消防通道');
    expect(duty.markerLabel({ kind: 'patrol-stop', label: '大门 #3 · 1. not_verifiable · wang · 画面黑' })).toBe('大门 #3 · 1. 无法核实 · wang · 画面黑');
  });

  it('zh-CN: entries are rendered from their stored code and parameters, not from the English sentence', () => {
    // the sentence is deliberately unrelated: every word must come from kind + data (what the hash covers)
    const e = (kind: string, data: Record<string, unknown>, authorName = 'system'): Entry => ({ kind, text: 'unrelated English words', cameraId: 'east', authorName, data });
    const cam = (id: string) => (id === 'east' ? '东门' : id);
    const alarm = { alarmId: 7, kind: 'loitering', zone: '草坪' };
    const cases: [Entry, string][] = [
      [e('alarm_ack', { ...alarm, note: '已看到' }), '告警 #7（东门，区域 草坪）：已确认 — 已看到'],
      [e('alarm_dispatch', { ...alarm, to: '王保安', note: '请去东门' }), '王保安'],
      [e('alarm_resolved', { ...alarm, outcome: 'false_alarm', note: '树影' }), '树影'],
      [e('dispatch_arrived', { ...alarm, guard: 'wang', guardName: '王保安', afterMs: 12_000, note: '' }), '王保安'],
      [e('dispatch_request', { roundId: 1, stop: 0, note: '东门有人' }), '东门有人'],
      [e('round_completed', { route: '重点区域', reason: null, stops: [{ outcome: 'normal' }, { outcome: 'anomaly' }] }), '重点区域'],
      [e('round_abandoned', { route: '重点区域', reason: '下雨', stops: [{ outcome: null }] }), '下雨'],
      [e('round_missed', { route: '重点区域', slotMs: Date.UTC(2026, 0, 31, 8) }), '重点区域'],
      [e('spot_check', { route: '重点区域', roundId: 5, stop: 1, cameraName: '东门', outcome: 'anomaly', operator: '张三', verdict: 'disagree', note: '画面不清楚' }), '张三'],
      [e('handover_ack', { handoverId: 3, from: '张三', note: '收到' }, '李四'), '张三'],
      [e('disk_full', { from: Date.UTC(2026, 0, 31, 8), to: Date.UTC(2026, 0, 31, 9), writtenLate: 2, lost: 1 }), '2 条记录延迟写入'],
    ];
    for (const [entry, part] of cases) {
      const zh = duty.dutyText(entry, cam);
      expect(zh, entry.kind).not.toContain('unrelated');
      expect(zh, entry.kind).toContain(part);
      expect(latin(zh), `${entry.kind} → ${zh}`).toEqual([]);
    }
    // an older entry (no parameter in data) is still read from its sentence
    const old = { kind: 'alarm_dispatch', text: 'Alarm #7 (东门, zone 草坪): dispatched to 王保安 — 请去东门查看', cameraId: 'east', authorName: 'op', data: alarm };
    expect(duty.dutyText(old, cam)).toContain('王保安');
  });

  it('zh-CN: validation messages and codes are translated part by part', () => {
    // the server turns its English text into codes with parameters (error-fields.ts); the console renders the codes
    const zh = (message: string) => errors.problemsText(fieldsFromMessage(message));
    expect(zh('url: must be an rtsp:// or rtsps:// URL (got http)')).toBe('地址：必须是 rtsp:// 或 rtsps:// 地址');
    expect(zh('password: at least 10 characters; name: is required')).toBe('密码：至少 10 个字符；名称：必填');
    expect(zh('stops.0.cameraId: Too small: expected string to have >=1 characters')).toBe('摄像机：至少 1 个字符');
    expect(zh('something the console does not know')).toBeNull();
    expect(errors.problemsText([{ path: 'note', code: 'anomaly_note', message: 'whatever the English was' }])).toBe('备注：请描述异常情况');
    expect(errors.problemsText([{ path: 'name', code: 'too_long', params: { n: 64 }, message: '' }])).toBe('名称：最多 64 个字符');
    expect(server.cameraDetailText('connection refused')).toBe('连接被拒绝');
    expect(server.cameraDetailText('the disk is full')).toBe('磁盘已满');
    expect(server.cameraDetailText('ffmpeg exited with code 1')).toBe('转码进程已退出（退出码 1）');
    expect(server.lockReasonText('export exp-20261204-023827-bd6860: 案件 12')).toBe('导出 exp-20261204-023827-bd6860：案件 12');
    expect(server.lockReasonText('手动锁定')).toBe('手动锁定');
    expect(server.cameraDetailText('no new recording segment for 12 s')).toBe('12 秒内没有新的录像片段');
    expect(server.sceneReasonText('the whole picture changed (lights or day/night switch): learning again')).toBe('整个画面发生变化（灯光或日夜切换），正在重新学习');
    expect(server.gapReasonText('camera offline: unreachable')).toBe('摄像机离线：摄像机无法连接');
    expect(server.auditActionText('live.view.start')).toBe('实时查看 · 开始查看');
    expect(server.auditActionText('made.up')).toBe('made.up');
  });

  it('zh-CN: every audit action the server writes has a name (kind · verb), none is shown as its code', () => {
    const src = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? src(join(dir, e.name)) : e.name.endsWith('.ts') ? [readFileSync(join(dir, e.name), 'utf8')] : []));
    const actions = new Set<string>(['login', 'logout', 'live.view.start', 'live.view.stop', 'recording.view.start', 'recording.view.stop']);
    for (const text of src(new URL('../../server', import.meta.url).pathname)) for (const m of text.matchAll(/action: '([a-z_]+(?:\.[a-z_]+)*)'/g)) actions.add(m[1]!);
    // what the HTTP change audit derives from a path (server/audit/http.ts): one sample path per branch
    const paths = ['/cameras/c1', '/cameras/c1/zones/z', '/cameras/c1/zones/relearn', '/users/5', '/camera-groups/2', '/alarms/3/ack', '/alarms/3/dispatch', '/alarms/3/resolve', '/alarms/ack',
      '/dispatches/4/step', '/dispatches/4/photos', '/onvif/probe', '/onvif/cameras', '/onvif/cameras/d/presets/p/goto', '/onvif/cameras/d/ptz/move', '/onvif/cameras/d/ptz/stop',
      '/discovery', '/patrol/routes/1', '/sessions/9', '/zones/1', '/config', '/settings/x'];
    for (const p of paths) {
      for (const verb of ['create', 'update', 'delete']) {
        const w = changeKind(p, verb === 'create' ? 'POST' : verb === 'update' ? 'PATCH' : 'DELETE');
        if (!w) continue;
        if (!w.deniedOnly) actions.add(w.action ?? `${w.kind}.${verb}`);
        actions.add(`${w.kind}.denied`);
      }
    }
    expect(actions.size).toBeGreaterThan(40);
    const untranslated = [...actions].filter((a) => server.auditActionText(a) === a || latin(server.auditActionText(a).replace(/\b(PTZ|ONVIF)\b/g, '')).length > 0);
    expect(untranslated).toEqual([]);
    expect(server.auditActionText('ptz.move')).toBe('PTZ · 手动转动');
    expect(server.auditActionText('ptz.denied')).toBe('PTZ · 被拒绝');
  });

  it('en: the same sentences read as English', () => {
    i18n.setLang('en');
    try {
      for (const line of LINES) expect(duty.dutyLineText(line), line).not.toMatch(/[\u3400-\u9fff]{2,}(?=.*[（：])/);
      expect(duty.dutyLineText('Alarm #7 (东门, zone 草坪): acknowledged — 已看到')).toBe('Alarm #7 (东门, zone 草坪): acknowledged — 已看到');
      expect(duty.dutyLineText('重点区域: round completed — normal 2, anomaly 1')).toBe('重点区域: round completed — Normal 2, Anomaly 1');
    } finally {
      i18n.setLang('zh-CN');
    }
  });
});
