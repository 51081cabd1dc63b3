/**
 * Per-camera rights in the console (issue G), Debian's Chromium against the real server with its 4 demo
 * cameras: an admin makes a camera group of two cameras and gives an operator only that group; in a second
 * browser the operator's wall and camera list show only those cameras, another camera's page is not found;
 * the admin disables the operator and the operator's open wall drops to the login page by itself.
 * An admin password reset forces a new password at the next login. Only 127.0.0.1 is contacted.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { login, startWatchpost, type Watchpost } from '../support/server.ts';

describe('camera rights in the console', () => {
  let wp: Watchpost;
  let browser: Browser;
  let adminCtx: BrowserContext;
  let opCtx: BrowserContext;
  let admin: Page;
  let op: Page;
  const pageErrors: string[] = [];
  const tid = (p: Page, id: string) => p.locator(`[data-testid="${id}"]`);

  const logIn = async (p: Page, username: string, password: string) => {
    await p.waitForURL(/\/login/);
    await tid(p, 'login-username').fill(username);
    await tid(p, 'login-password').fill(password);
    await tid(p, 'login-submit').click();
  };

  beforeAll(async () => {
    wp = await startWatchpost();
    const cookie = await login(wp.url, 'admin', wp.adminPassword);
    const r = await fetch(`${wp.url}/api/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ username: 'night-op', password: 'night-shift-op-1', role: 'operator' }) });
    expect(r.status).toBe(201);
    browser = await launchChromium();
    const mk = async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
      await ctx.addInitScript({ content: "localStorage.setItem('wp.lang', 'en')" });
      return ctx;
    };
    adminCtx = await mk();
    opCtx = await mk();
    admin = await adminCtx.newPage();
    op = await opCtx.newPage();
    for (const p of [admin, op]) p.on('pageerror', (e) => pageErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('an admin gives the operator one camera group; the operator sees only those cameras', async () => {
    await admin.goto(`${wp.url}/users`);
    await logIn(admin, 'admin', wp.adminPassword);
    await admin.waitForURL(/\/users$/);
    await tid(admin, 'group-form-name').fill('地库 Garage');
    await admin.locator('[data-testid="group-form-camera"][data-camera="demo-1"]').check();
    await admin.locator('[data-testid="group-form-camera"][data-camera="demo-2"]').check();
    await tid(admin, 'group-form-submit').click();
    await admin.locator('[data-testid="group-row"][data-group="地库 Garage"]').waitFor();

    await admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-edit"]').click();
    await tid(admin, 'user-edit-all').uncheck();
    await admin.locator('[data-testid="user-edit-group"][data-group="地库 Garage"]').check();
    await tid(admin, 'user-edit-save').click();
    await expect.poll(() => admin.locator('[data-testid="users-row"][data-username="night-op"]').textContent()).toContain('0 cameras, 1 groups');

    await op.goto(`${wp.url}/wall`);
    await logIn(op, 'night-op', 'night-shift-op-1');
    await expect.poll(() => op.locator('wp-camera-tile[data-camera-id^="demo-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id')).sort())).toEqual(['demo-1', 'demo-2']);
    // (Playwright's text locators pierce the components' shadow roots; page.content() would not)
    await op.goto(`${wp.url}/cameras`);
    await op.getByText('东门入口').first().waitFor({ state: 'attached' });
    expect(await op.getByText('3号楼大堂').count()).toBe(0);
    const hidden = await op.evaluate(async () => (await fetch('/api/cameras/demo-3/timeline?from=0&to=1000')).status);
    expect(hidden).toBe(404);
    // review and alarms only offer the group's cameras too
    await op.goto(`${wp.url}/review`);
    await op.getByText('东门入口').first().waitFor({ state: 'attached' });
    expect(await op.getByText('3号楼大堂').count()).toBe(0);
    expect(await op.getByText('地库消防通道').count()).toBeGreaterThan(0);
  }, 60_000);

  it('lists the operator\'s own sessions and logs out another one', async () => {
    const other = await login(wp.url, 'night-op', 'night-shift-op-1');
    await op.goto(`${wp.url}/password`);
    await expect.poll(() => tid(op, 'session-row').count()).toBe(2);
    expect(await op.locator('[data-testid="session-row"][data-current="true"]').count()).toBe(1);
    await tid(op, 'session-revoke').click();
    await expect.poll(() => tid(op, 'session-row').count()).toBe(1);
    expect((await fetch(`${wp.url}/api/cameras`, { headers: { cookie: other } })).status).toBe(401);
  }, 60_000);

  it('disabling the operator drops their open wall to the login page', async () => {
    await op.goto(`${wp.url}/wall`);
    await op.locator('wp-camera-tile[data-camera-id="demo-1"]').waitFor();
    await admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-edit"]').click();
    await tid(admin, 'user-edit-toggle').click();
    await expect.poll(() => admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-status"]').textContent()).toContain('Disabled');
    await op.waitForURL(/\/login/, { timeout: 15_000 });
  }, 60_000);

  it('a password reset forces a new password at the next login', async () => {
    await admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-edit"]').click();
    await tid(admin, 'user-edit-toggle').click(); // enable again
    await expect.poll(() => admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-status"]').textContent()).toContain('Active');
    await admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-edit"]').click();
    await tid(admin, 'user-reset-password').fill('temporary-pass-77');
    await tid(admin, 'user-reset-submit').click();
    await expect.poll(() => admin.locator('[data-testid="users-row"][data-username="night-op"] [data-testid="users-status"]').textContent()).toContain('must change password');

    await logIn(op, 'night-op', 'temporary-pass-77');
    await tid(op, 'password-forced').waitFor();
    await tid(op, 'password-current').fill('temporary-pass-77');
    await tid(op, 'password-new').fill('own-new-pass-2026');
    await tid(op, 'password-repeat').fill('own-new-pass-2026');
    await tid(op, 'password-submit').click();
    await op.locator('wp-camera-tile[data-camera-id="demo-1"]').waitFor({ timeout: 15_000 });
  }, 60_000);
});
