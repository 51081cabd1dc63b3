/**
 * Issue K: every validation problem of a 400 is a stable code with parameters (error.fields), so the console
 * can say it in the reader's language instead of parsing English. Codes come from zod's own issue codes and
 * limits, or from the server's own messages (schemas and route checks).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FIELD_CODES, fieldsFromMessage, fieldsFromZod } from '../../server/http/error-fields.ts';
import { passwordProblem } from '../../server/auth/password-policy.ts';

describe('validation problems as codes', () => {
  it('zod issues: limits become parameters, our own messages decide the code', () => {
    const schema = z.strictObject({
      name: z.string().min(3).max(10),
      stops: z.array(z.number()).min(1),
      intervalMin: z.number().max(120),
      note: z.string().trim().min(1, 'describe the anomaly'),
      url: z.string().regex(/^rtsps?:\/\//i, 'must be an rtsp:// or rtsps:// URL'),
      role: z.enum(['operator', 'admin']),
      text: z.string(),
    });
    const r = schema.safeParse({ name: 'x', stops: [], intervalMin: 500, note: '   ', url: 'http://x', role: 'boss', 摄像机: 1 });
    expect(r.success).toBe(false);
    const byPath = Object.fromEntries(fieldsFromZod(r.error!).map((p) => [p.path, p]));
    expect(byPath.name).toMatchObject({ code: 'too_short', params: { n: 3 } });
    expect(byPath.stops).toMatchObject({ code: 'too_few', params: { n: 1 } });
    expect(byPath.intervalMin).toMatchObject({ code: 'too_big', params: { n: 120 } });
    expect(byPath.note).toMatchObject({ code: 'anomaly_note', message: 'describe the anomaly' });
    expect(byPath.url).toMatchObject({ code: 'rtsp_url' });
    expect(byPath.role).toMatchObject({ code: 'invalid' });
    expect(byPath.text).toMatchObject({ code: 'required' });
    expect(byPath['']).toMatchObject({ code: 'unknown_fields', params: { fields: '摄像机' } });
    for (const p of Object.values(byPath)) expect(FIELD_CODES).toContain(p.code);
  });

  it("a route's own text: one problem per part, parameters read out, unknown text kept as 'other'", () => {
    expect(fieldsFromMessage('note: say what you disagree with')).toEqual([{ path: 'note', code: 'disagree_note', message: 'say what you disagree with' }]);
    const pw = passwordProblem('short', 'op1');
    expect(pw).toBeTruthy();
    const [p] = fieldsFromMessage(`password: ${pw}`);
    expect(p!.path).toBe('password');
    expect(p!.code).toMatch(/^password_/);
    expect(fieldsFromMessage('password: at least 12 characters; name: is required')).toEqual([
      { path: 'password', code: 'password_short', params: { n: 12 }, message: 'at least 12 characters' },
      { path: 'name', code: 'required', message: 'is required' },
    ]);
    // odd input never throws and loses nothing: the English text stays in `message`
    const odd = 'stops.0.cameraId: 摄像机 “门口” 不存在; ‮weird; ';
    const out = fieldsFromMessage(odd);
    expect(out.map((x) => x.code)).toEqual(['other', 'other', 'other']);
    expect(out[0]).toMatchObject({ path: 'stops.0.cameraId', message: '摄像机 “门口” 不存在' });
  });
});
