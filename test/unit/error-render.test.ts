/**
 * Issue K: the console says a server error from its code and params (web/src/i18n/errors.ts errorMessage). In
 * zh-CN the text names the values (ids, names, seconds, local times, field and role names) and has no English
 * words; in English the table text with the values; without params as before (English: the server's message,
 * zh-CN: the code's plain text); an unknown code falls back to the server's English message.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { serverErrorCodes } from '../support/error-sites.ts';
import { parseZonesFile, ZoneValidationError } from '../../server/analytics/zones.ts';
import { fieldsFromZod } from '../../server/http/error-fields.ts';

// web/src is type-checked by web/tsconfig.json (browser settings): loaded by a path the root project does not follow
type Params = Record<string, string | number>;
type Problem = { path: string; code: string; params?: Params; message: string };
type ApiErrorCtor = new (status: number, code: string, message: string, retryAfter?: number, fields?: Problem[], params?: Params) => Error;
type I18n = { setLang(lang: 'zh-CN' | 'en'): void; formatDateTime(ms: number): string };
const load = <T>(file: string): Promise<T> => import(new URL(`../../web/src/${file}`, import.meta.url).href) as Promise<T>;
let i18n: I18n;
let ApiError: ApiErrorCtor;
let errorMessage: (e: unknown) => string;

beforeAll(async () => {
  const store = new Map<string, string>([['wp.lang', 'zh-CN']]);
  Object.assign(globalThis, {
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) },
    document: { documentElement: {} },
  });
  i18n = await load<I18n>('i18n/index.ts');
  ApiError = (await load<{ ApiError: ApiErrorCtor }>('data/api.ts')).ApiError;
  errorMessage = (await load<{ errorMessage: typeof errorMessage }>('i18n/errors.ts')).errorMessage;
  serverErrorCodes(); // parses server/: a few seconds on a busy box
}, 60_000);

const err = (status: number, code: string, message: string, params?: Params, fields?: Problem[]) => new ApiError(status, code, message, undefined, fields, params);

/** Latin words left after the values the text names (ids, user names) and units. */
function latin(text: string, params: Params = {}): string[] {
  let s = text;
  for (const v of Object.values(params)) s = s.split(String(v)).join(' ');
  return s.replace(/\b(MB)\b/g, '').match(/[A-Za-z]{2,}/g) ?? [];
}

describe('zh-CN: values in Chinese text', () => {
  beforeAll(() => i18n.setLang('zh-CN'));
  const cases: [string, number, string, string, Params, RegExp][] = [
    ['a round of someone else', 403, 'forbidden', 'round 12 belongs to wang', { what: 'round', id: 12, owner: 'wang' }, /^巡查 12 属于 wang。$/],
    ['the login throttle', 429, 'rate_limited', 'too many failed logins from this address; try again in 42 s', { s: 42 }, /42 秒/],
    ['a deleted bundle', 410, 'deleted', 'the bundle of export x9k2 was deleted', { id: 'x9k2' }, /导出 x9k2 的证据包已被删除/],
    ['no reference yet', 404, 'no_reference', 'zone "草坪" has no learned reference yet (learning)', { name: '草坪', state: 'learning' }, /区域“草坪”尚未学习参考画面/],
    ['unknown cameras', 400, 'unknown_camera', 'stops: no camera "atm-9", "bank-2"', { ids: 'atm-9, bank-2' }, /atm-9, bank-2/],
    ['a hidden camera', 404, 'not_found', 'no camera "atm-9"', { what: 'camera', id: 'atm-9' }, /没有摄像机“atm-9”/],
    ['roles that may', 403, 'forbidden', 'needs role investigator or supervisor or admin', { what: 'role', roles: 'investigator, supervisor, admin' }, /^只有调查员、主管、管理员可以执行此操作。$/],
    ['a missing time field', 400, 'invalid_time', 'from is required', { what: 'required', field: 'from' }, /^请填写开始时间。$/],
    ['a guard who may not see', 400, 'guard_cannot_see_camera', 'guard wang may not see camera gate', { guard: 'wang', camera: 'gate' }, /保安 wang 无权查看摄像机 gate/],
    ['the dwell time', 409, 'dwell_not_met', 'watch this camera 7 s more (minimum 20 s)', { s: 7 }, /7 秒/],
    ['a handover not acknowledged', 409, 'handover_pending', 'handover 3 by zhang is not acknowledged yet', { id: 3, from: 'zhang' }, /zhang 的交班 3 尚未被确认/],
  ];
  for (const [what, status, code, message, params, want] of cases) {
    it(what, () => {
      const text = errorMessage(err(status, code, message, params));
      expect(text).toMatch(want);
      for (const v of Object.values(params)) if (!['what', 'roles', 'field', 'state'].some((k) => params[k] === v)) expect(text).toContain(String(v));
      expect(latin(text, params)).toEqual([]);
    });
  }

  it('times are local date-times, not ISO or epoch ms', () => {
    const to = Date.UTC(2030, 0, 31, 8, 0, 0);
    const now = Date.UTC(2030, 0, 31, 7, 0, 0);
    const text = errorMessage(err(400, 'range_in_future', 'the range ends in the future (…)', { what: 'end', fromMs: now - 60_000, toMs: to, nowMs: now }));
    expect(text).toContain(i18n.formatDateTime(to));
    expect(text).toContain(i18n.formatDateTime(now));
    expect(text).not.toContain(String(to));
    expect(latin(text)).toEqual([]);
  });

  it("a zones 400 says each problem in Chinese from its fields", () => {
    const fields: Problem[] = [{ path: 'zones.0.polygon', code: 'polygon', message: 'a zone needs at least 3 points' }];
    const text = errorMessage(err(400, 'invalid_zone', 'invalid zones: zones[0].polygon: polygon needs at least 3 points', { what: 'zones' }, fields));
    expect(text).toBe('区域设置无效：区域轮廓：区域至少需要 3 个点');
  });

  it('an empty zone (the editor\'s new zone, saved before drawing) is said once, not twice', () => {
    // the server's own validation and fields: zod ran the polygon checks after .min(3) failed and said it again
    let e: unknown;
    try {
      parseZonesFile({ zones: [{ name: '区域 1', kind: 'loitering', polygon: [], masks: [[]] }] });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ZoneValidationError);
    const z = e as ZoneValidationError;
    const fields = fieldsFromZod(z.issues!) as Problem[];
    expect(fields.map((f) => f.path)).toEqual(['zones.0.polygon', 'zones.0.masks.0']);
    expect(z.message.match(/polygon needs at least 3 points/g)).toHaveLength(1);
    const text = errorMessage(err(400, 'invalid_zone', z.message, { what: 'zones' }, fields));
    expect(text.match(/区域至少需要 3 个点/g)).toHaveLength(2); // the outline once, the mask once
    expect(text.startsWith('区域设置无效：区域轮廓：区域至少需要 3 个点；')).toBe(true);
  });

  it('every code the server can send, even without params, has a Chinese text (not the English message)', () => {
    const bad: string[] = [];
    for (const code of serverErrorCodes()) {
      const message = `english text of ${code}`;
      const text = errorMessage(err(code === 'unauthenticated' ? 401 : 409, code, message));
      if (!/[\u4e00-\u9fff]/.test(text) || text.includes(message)) bad.push(`${code}: ${text}`);
    }
    // invalid_request without fields: "输入无效：" + the server's text (nothing to translate it from)
    expect(bad).toEqual(['invalid_request: 输入无效：english text of invalid_request']);
  });
});

describe('English', () => {
  beforeAll(() => i18n.setLang('en'));

  it('with params: the table text with the values', () => {
    expect(errorMessage(err(403, 'forbidden', 'round 12 belongs to wang', { what: 'round', id: 12, owner: 'wang' }))).toBe('Round 12 belongs to wang.');
    expect(errorMessage(err(403, 'forbidden', 'needs role investigator or supervisor or admin', { what: 'role', roles: 'investigator, supervisor, admin' }))).toBe(
      'Only Investigator, Supervisor, Administrator may do this.',
    );
    expect(errorMessage(err(410, 'deleted', 'the bundle of export x9k2 was deleted', { id: 'x9k2' }))).toBe('The bundle of export x9k2 was deleted.');
  });

  it('without params, or with a code the console does not know: the server message as before', () => {
    expect(errorMessage(err(409, 'wrong_state', 'cannot acknowledge alarm 5: it is resolved (needs new)'))).toBe('cannot acknowledge alarm 5: it is resolved (needs new)');
    expect(errorMessage(err(418, 'teapot_empty', 'the pot is empty', { cups: 0 }))).toBe('the pot is empty');
    i18n.setLang('zh-CN');
    expect(errorMessage(err(418, 'teapot_empty', 'the pot is empty', { cups: 0 }))).toBe('输入无效：the pot is empty');
    expect(errorMessage(err(410, 'deleted', 'the bundle of export x9k2 was deleted'))).toBe('该导出包已被删除。');
  });
});
