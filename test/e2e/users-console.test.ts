/**
 * Browser e2e of user management in Debian's Chromium against the real server (no cameras, so no video):
 * an administrator creates an operator on /users (validation and duplicate names are shown inline), the
 * operator logs in and has no Users link. Only 127.0.0.1 is contacted.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.ts';
import { startWatchpost, type Watchpost } from '../support/server.ts';

describe('users page in the console', () => {
  let wp: Watchpost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);

  const logIn = async (username: string, password: string) => {
    await page.waitForURL(/\/login/);
    await tid('login-username').fill(username);
    await tid('login-password').fill(password);
    await tid('login-submit').click();
    await tid('current-user').waitFor();
  };

  beforeAll(async () => {
    wp = await startWatchpost({ configYaml: 'cameras: []' });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    await context.addInitScript({ content: "localStorage.setItem('wp.lang', 'en')" });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await wp?.dispose();
    if (pageErrors.length) console.warn('page errors:', pageErrors);
  });

  it('lets an admin create an operator, who then has no Users link', async () => {
    await page.goto(`${wp.url}/wall`);
    await logIn('admin', wp.adminPassword);

    await tid('nav-users').click();
    await page.waitForURL(/\/users$/);
    await expect.poll(() => tid('users-row').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid="users-row"][data-username="admin"]').count()).toBe(1);

    // 400: the server's validation message is shown inline
    await tid('user-form-username').fill('night-op');
    await tid('user-form-password').fill('short');
    await tid('user-form-role').selectOption('operator');
    await tid('user-form-submit').click();
    await expect.poll(() => tid('user-form-error').textContent()).toMatch(/10 characters/);

    await tid('user-form-password').fill('night-op-pw-1');
    await tid('user-form-submit').click();
    const row = page.locator('[data-testid="users-row"][data-username="night-op"]');
    await row.waitFor();
    expect(await row.getAttribute('data-role')).toBe('operator');
    expect(await row.textContent()).toContain('Operator');
    expect(await tid('user-form-error').count()).toBe(0);

    // 409: the name exists
    await tid('user-form-username').fill('night-op');
    await tid('user-form-password').fill('night-op-pw-2');
    await tid('user-form-submit').click();
    await expect.poll(() => tid('user-form-error').textContent()).toContain('exists');
    expect(await page.locator('[data-testid="users-row"][data-username="night-op"]').count()).toBe(1);

    await tid('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${wp.url}/wall`);
    await logIn('night-op', 'night-op-pw-1');
    await page.waitForURL(/\/wall/);
    expect(await tid('current-user').textContent()).toContain('night-op');
    expect(await tid('nav-wall').count()).toBe(1);
    expect(await tid('nav-users').count()).toBe(0);
  }, 90_000);
});
