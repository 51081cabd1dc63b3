import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../server/auth/rate-limit.ts';

describe('failed-login limiter', () => {
  it('blocks after max failures in the window and opens again as they age out', () => {
    let now = 0;
    const l = new FailureLimiter(3, 60_000, () => now);
    const keys = ['user:admin', 'ip:1.2.3.4'];
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs(keys)).toBe(0);
      l.fail(keys);
      now += 1000;
    }
    expect(l.retryAfterMs(keys)).toBe(57_000); // the first failure (t=0) ages out at 60 s; now = 3 s
    expect(l.retryAfterMs(['user:other', 'ip:1.2.3.4'])).toBeGreaterThan(0); // same address
    expect(l.retryAfterMs(['user:other', 'ip:5.6.7.8'])).toBe(0);
    now = 60_001;
    expect(l.retryAfterMs(keys)).toBe(0);
  });

  it('can allow more failures per address than per user', () => {
    const l = new FailureLimiter({ user: 2, ip: 4 }, 60_000, () => 0);
    l.fail(['user:a', 'ip:x']);
    l.fail(['user:a', 'ip:x']);
    expect(l.retryAfterMs(['user:a', 'ip:x'])).toBeGreaterThan(0);
    expect(l.retryAfterMs(['user:b', 'ip:x'])).toBe(0);
    l.fail(['user:b', 'ip:x']);
    l.fail(['user:b', 'ip:x']);
    expect(l.retryAfterMs(['user:c', 'ip:x'])).toBeGreaterThan(0);
  });

  it('is cleared by a successful login', () => {
    const l = new FailureLimiter(2, 60_000, () => 0);
    l.fail(['user:a']);
    l.fail(['user:a']);
    expect(l.retryAfterMs(['user:a'])).toBeGreaterThan(0);
    l.reset(['user:a']);
    expect(l.retryAfterMs(['user:a'])).toBe(0);
  });
});
