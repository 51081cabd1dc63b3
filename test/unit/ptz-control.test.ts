/**
 * Manual PTZ (server/onvif/ptz-control.ts) without a camera: the dead-man stop timer on a manual clock, the
 * velocity validation of POST …/ptz/move, the patrol lock and another user's gesture, one audit entry per gesture,
 * commands of one camera in order. The real ONVIF path is in test/integration/ptz-control.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseBody } from '../../server/http/errors.ts';
import { PtzLocks } from '../../server/patrol/ptz.ts';
import { PtzControl, ptzMoveSchema, ptzStopSchema, type PtzDriver, type PtzAudit, type PtzTimers, type PtzVelocity } from '../../server/onvif/ptz-control.ts';
import { AppError, conflict } from '../../server/util/errors.ts';

/** Timers that only fire when the test advances the manual clock. */
class ManualTimers implements PtzTimers {
  now = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.due.delete(h as number);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.due.delete(id);
        t.fn();
      }
    }
  }
  get pending(): number {
    return this.due.size;
  }
}

/** A driver that records what would go to the camera (the ONVIF side is the integration test's). */
function recordingDriver(o: { ptz?: string[]; failMove?: boolean; slowMoveMs?: number } = {}) {
  const sent: string[] = [];
  const driver: PtzDriver = {
    requirePtz: (id) => {
      if (!(o.ptz ?? ['dome']).includes(id)) throw conflict(`camera "${id}" has no ONVIF PTZ`, 'no_ptz');
    },
    continuousMove: async (id, v: PtzVelocity) => {
      if (o.slowMoveMs) await new Promise((r) => setTimeout(r, o.slowMoveMs));
      if (o.failMove) throw new AppError(502, 'onvif_fault', 'motor jammed');
      sent.push(`move ${id} ${v.pan} ${v.tilt} ${v.zoom}`);
    },
    stop: async (id) => void sent.push(`stop ${id}`),
    gotoPreset: async (id, p) => void sent.push(`goto ${id} ${p}`),
  };
  return { driver, sent };
}

const op1 = { id: 1, username: 'op1', role: 'operator' };
const op2 = { id: 2, username: 'op2', role: 'operator' };
const flush = () => new Promise((r) => setImmediate(r));

function setup(o: Parameters<typeof recordingDriver>[0] = {}) {
  const timers = new ManualTimers();
  const { driver, sent } = recordingDriver(o);
  const audit: PtzAudit[] = [];
  const locks = new PtzLocks();
  const ctl = new PtzControl({ driver, timers, deadManMs: 1500, yieldToRoundMs: 30_000, now: () => timers.now });
  ctl.connect({ locks, audit: (e) => audit.push(e) });
  return { ctl, timers, sent, audit, locks };
}

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => `${e.status} ${e.code}`);

describe('the dead-man stop timer', () => {
  it('a held move that is repeated keeps the dome moving; when the repeats stop, Stop goes out after 1.5 s', async () => {
    const { ctl, timers, sent } = setup();
    expect(await ctl.move('dome', op1, { pan: 0.5, tilt: 0, zoom: 0 })).toEqual({ stopAfterMs: 1500, started: true });
    // the browser repeats every 500 ms for 3 s: the camera gets one ContinuousMove, no Stop
    for (let i = 0; i < 6; i++) {
      timers.advance(500);
      expect(await ctl.move('dome', op1, { pan: 0.5, tilt: 0, zoom: 0 })).toEqual({ stopAfterMs: 1500, started: false });
    }
    expect(sent).toEqual(['move dome 0.5 0 0']);
    // the link drops: nothing for 1.499 s, then Stop
    timers.advance(1499);
    await flush();
    expect(sent).toEqual(['move dome 0.5 0 0']);
    timers.advance(1);
    await flush();
    expect(sent).toEqual(['move dome 0.5 0 0', 'stop dome']);
    expect(ctl.activeUser('dome')).toBeNull();
    expect(timers.pending).toBe(0);
  });

  it('a release stops at once and disarms the timer (no second Stop later)', async () => {
    const { ctl, timers, sent, locks } = setup();
    await ctl.move('dome', op1, { pan: 0, tilt: -1, zoom: 0 });
    expect(locks.holder('dome')).toBe('manual:1');
    await ctl.stop('dome', op1);
    expect(sent).toEqual(['move dome 0 -1 0', 'stop dome']);
    expect(locks.holder('dome')).toBeUndefined();
    timers.advance(10_000);
    await flush();
    expect(sent).toEqual(['move dome 0 -1 0', 'stop dome']);
  });

  it('a change of direction within a gesture goes to the camera and re-arms the timer', async () => {
    const { ctl, timers, sent } = setup();
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    timers.advance(1000);
    expect((await ctl.move('dome', op1, { pan: 1, tilt: 1, zoom: 0 })).started).toBe(false);
    timers.advance(1000); // 2 s after the first move, 1 s after the change: still moving
    await flush();
    expect(sent).toEqual(['move dome 1 0 0', 'move dome 1 1 0']);
    timers.advance(500);
    await flush();
    expect(sent.at(-1)).toBe('stop dome');
  });

  it('stopAll (shutdown) stops every dome being moved', async () => {
    const { ctl, sent, timers } = setup({ ptz: ['dome', 'mast'] });
    await ctl.move('dome', op1, { pan: 0.2, tilt: 0, zoom: 0 });
    await ctl.move('mast', op2, { pan: 0, tilt: 0, zoom: 0.3 });
    await ctl.stopAll();
    expect(sent.filter((s) => s.startsWith('stop')).sort()).toEqual(['stop dome', 'stop mast']);
    expect(timers.pending).toBe(0);
  });
});

describe('POST …/ptz/move validation', () => {
  const parse = (b: unknown) => {
    try {
      return parseBody(ptzMoveSchema, b);
    } catch (e) {
      return `${(e as AppError).status} ${(e as AppError).message}`;
    }
  };
  it('takes velocities −1..1, missing axes are 0', () => {
    expect(parse({ pan: -1, tilt: 1 })).toEqual({ pan: -1, tilt: 1, zoom: 0 });
    expect(parse({ zoom: 0.25 })).toEqual({ pan: 0, tilt: 0, zoom: 0.25 });
  });
  it('refuses out of range, not numbers, unknown fields and an all-zero move, naming the field', () => {
    expect(parse({ pan: 1.01 })).toBe('400 pan: must be a number from -1 to 1');
    expect(parse({ pan: 0.5, tilt: -2 })).toBe('400 tilt: must be a number from -1 to 1');
    expect(parse({ pan: '0.5' })).toBe('400 pan: must be a number from -1 to 1');
    expect(parse({ pan: null, zoom: true })).toBe('400 pan: must be a number from -1 to 1; zoom: must be a number from -1 to 1');
    expect(parse({ pan: 0.5, speed: 1 })).toBe('400 unknown field speed');
    expect(parse({})).toMatch(/^400 a move needs pan, tilt or zoom other than 0/);
    expect(parse([0.5, 0])).toMatch(/^400 expected a JSON object/);
    expect(parse({ pan: 1e308 * 10 })).toMatch(/^400 pan: /); // Infinity (not JSON, but a caller of the class may pass it)
  });
  it('stop takes no fields', () => {
    expect(parseBody(ptzStopSchema, {})).toEqual({});
    expect(() => parseBody(ptzStopSchema, { pan: 0 })).toThrow(/unknown field pan/);
  });
});

describe('who may move the dome', () => {
  it('a camera without PTZ: 409 no_ptz, nothing sent', async () => {
    const { ctl, sent } = setup();
    expect(await code(ctl.move('gate', op1, { pan: 1, tilt: 0, zoom: 0 }))).toBe('409 no_ptz');
    expect(await code(ctl.stop('gate', op1))).toBe('409 no_ptz');
    expect(sent).toEqual([]);
  });

  it('a patrol round holds the dome: moves, stops and presets are refused 409 ptz_patrol; its round waits for a gesture', async () => {
    const { ctl, sent, locks } = setup();
    locks.tryAcquire('dome', '7:0');
    expect(await code(ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }))).toBe('409 ptz_patrol');
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }).catch((e: AppError) => expect(e.message).toMatch(/patrol round 7/));
    expect(await code(ctl.stop('dome', op1))).toBe('409 ptz_patrol');
    expect(await code(ctl.gotoPreset('dome', op1, 'p1'))).toBe('409 ptz_patrol');
    expect(sent).toEqual([]);
    locks.release('dome', '7:0');
    // now a gesture holds the lock: the next round queues behind it and gets the dome at the release
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    const round = locks.wait('dome', '8:0');
    await ctl.stop('dome', op1);
    await expect(round).resolves.toBe(true);
  });

  it("another user's gesture: 409 ptz_in_use naming them; anyone may stop it", async () => {
    const { ctl, sent } = setup();
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    await ctl.move('dome', op2, { pan: -1, tilt: 0, zoom: 0 }).then(
      () => expect.unreachable(),
      (e: AppError) => expect([e.code, e.message]).toEqual(['ptz_in_use', 'op1 is moving this camera']),
    );
    expect(await code(ctl.gotoPreset('dome', op2, 'p1'))).toBe('409 ptz_in_use');
    await ctl.stop('dome', op2);
    expect(sent).toEqual(['move dome 1 0 0', 'stop dome']);
    expect((await ctl.move('dome', op2, { pan: -1, tilt: 0, zoom: 0 })).started).toBe(true);
  });

  it("one's own preset ends one's gesture (no Stop needed: GotoPreset replaces the move)", async () => {
    const { ctl, sent, timers } = setup();
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    await ctl.gotoPreset('dome', op1, 'p2');
    timers.advance(5000);
    await flush();
    expect(sent).toEqual(['move dome 1 0 0', 'goto dome p2']);
  });

  it('a move the camera refuses frees the dome and leaves no timer', async () => {
    const { ctl, timers, locks } = setup({ failMove: true });
    expect(await code(ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }))).toBe('502 onvif_fault');
    expect(ctl.activeUser('dome')).toBeNull();
    expect(locks.holder('dome')).toBeUndefined();
    expect(timers.pending).toBe(0);
  });
});

describe('a round waiting for the dome', () => {
  /** hold a move: a repeat every 500 ms for `ms` (the timers' clock advances, the dead-man never fires) */
  async function hold(ctl: PtzControl, timers: ManualTimers, ms: number): Promise<string> {
    for (let t = 0; t < ms; t += 500) {
      timers.advance(500);
      const r = await code(ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }));
      if (r !== 'ok') return r;
    }
    return 'ok';
  }

  it('a gesture goes on 30 s after a round queued, then the dome is stopped and handed to the round (409 ptz_patrol)', async () => {
    const { ctl, timers, sent, locks } = setup();
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    expect(await hold(ctl, timers, 60_000)).toBe('ok'); // nobody waits: a long gesture is fine
    let granted: boolean | undefined;
    void locks.wait('dome', '9:2').then((g) => (granted = g));
    const queuedAt = timers.now;
    let refused: AppError | undefined;
    while (!refused && timers.now - queuedAt < 40_000) {
      timers.advance(500);
      refused = await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }).then(() => undefined, (e: AppError) => e);
      if (!refused) expect(granted).toBeUndefined();
    }
    expect([refused?.code, refused?.message]).toEqual(['ptz_patrol', "patrol round 9 waited 30 s for this camera's PTZ and has taken it"]);
    const after = timers.now - queuedAt;
    expect(after).toBeGreaterThanOrEqual(30_000);
    expect(after).toBeLessThanOrEqual(31_000);
    await flush();
    expect(granted).toBe(true);
    expect(locks.holder('dome')).toBe('9:2');
    expect(sent.at(-1)).toBe('stop dome'); // stopped before the round got it
    expect(await code(ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }))).toBe('409 ptz_patrol');
    expect(timers.pending).toBe(0);
  });

  it('a round that gave up its place restarts the 30 s; at the release the round has the dome and moves are refused', async () => {
    const { ctl, timers, locks } = setup();
    await ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    void locks.wait('dome', '4:0');
    expect(await hold(ctl, timers, 20_000)).toBe('ok');
    locks.release('dome', '4:0'); // the round was abandoned
    expect(await hold(ctl, timers, 20_000)).toBe('ok');
    void locks.wait('dome', '5:0');
    expect(await hold(ctl, timers, 25_000)).toBe('ok'); // its own 30 s, not the first round's
    await ctl.stop('dome', op1);
    await flush();
    expect(locks.holder('dome')).toBe('5:0');
    expect(await code(ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 }))).toBe('409 ptz_patrol');
  });
});

describe('audit and order', () => {
  it('one ptz.move per gesture, not one per repeat; a new gesture after the release is a new entry', async () => {
    const { ctl, audit } = setup();
    for (let i = 0; i < 10; i++) await ctl.move('dome', op1, { pan: 0.5, tilt: i < 5 ? 0 : 0.5, zoom: 0 });
    await ctl.stop('dome', op1);
    await ctl.move('dome', op1, { pan: 0, tilt: 0, zoom: -0.7 });
    expect(audit.map((a) => [a.action, a.actor.username, a.cameraId, a.detail])).toEqual([
      ['ptz.move', 'op1', 'dome', { pan: 0.5, tilt: 0, zoom: 0 }],
      ['ptz.move', 'op1', 'dome', { pan: 0, tilt: 0, zoom: -0.7 }],
    ]);
  });

  it("a quick release's Stop waits for its ContinuousMove (it never overtakes it at the camera)", async () => {
    const { ctl, sent } = setup({ slowMoveMs: 50 });
    const m = ctl.move('dome', op1, { pan: 1, tilt: 0, zoom: 0 });
    const s = ctl.stop('dome', op1);
    await Promise.all([m, s]);
    expect(sent).toEqual(['move dome 1 0 0', 'stop dome']);
  });

  it('velocities are sent with at most three decimals', async () => {
    const { ctl, sent } = setup();
    await ctl.move('dome', op1, { pan: 1 / 3, tilt: -0.0000001, zoom: 0 });
    expect(sent).toEqual(['move dome 0.333 0 0']);
  });
});
