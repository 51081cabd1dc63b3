/**
 * The e2e prelude: a Chromium page of a running Watchpost's console, logged in as someone (their session cookie)
 * or not at all, in English or zh-CN, with its page errors collected. Before this every browser test wrote the
 * same newContext / addCookies / addInitScript / pageerror lines itself.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Watchpost } from './server.ts';

export type ConsoleLang = 'en' | 'zh-CN';

export interface ConsolePageOptions {
  /** the session cookie as login() returns it (`wp_session=…`); none: the console shows its login page */
  cookie?: string;
  /** the console's language (localStorage `wp.lang`) and the browser's locale; default 'en' */
  lang?: ConsoleLang;
  viewport?: { width: number; height: number };
  /** the browser's IANA time zone (playwright's timezoneId); default the machine's */
  timezoneId?: string;
  /** more localStorage entries, set after `wp.lang` before the console starts */
  storage?: Record<string, string>;
  /** set the entries only while `wp.lang` is unset, i.e. on the first load: what the console saves later
   *  survives a reload; default false (set on every load) */
  firstLoadOnly?: boolean;
  /** the page's uncaught errors are pushed here */
  errors?: string[];
}

/** The init script that sets the console's localStorage before it boots. */
export function storageScript(o: Pick<ConsolePageOptions, 'lang' | 'storage' | 'firstLoadOnly'>): string {
  const entries = Object.entries({ 'wp.lang': o.lang ?? 'en', ...o.storage });
  const sets = entries.map(([k, v]) => `localStorage.setItem(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join(' ');
  return o.firstLoadOnly ? `if (!localStorage.getItem('wp.lang')) { ${sets} }` : sets;
}

/** A new browser context on `wp` (its own cookies and storage) and a page in it. */
export async function openConsole(browser: Browser, wp: Pick<Watchpost, 'url'>, o: ConsolePageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const lang = o.lang ?? 'en';
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 720 }, locale: lang === 'en' ? 'en-US' : 'zh-CN', timezoneId: o.timezoneId });
  if (o.cookie) {
    const eq = o.cookie.indexOf('=');
    await context.addCookies([{ name: o.cookie.slice(0, eq), value: o.cookie.slice(eq + 1), url: wp.url }]);
  }
  await context.addInitScript({ content: storageScript(o) });
  const page = await context.newPage();
  const errors = o.errors;
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  return { context, page };
}

/** Log in through the console's login page (the page must be on it, e.g. after a redirect to /login). */
export async function loginInPage(page: Page, username: string, password: string): Promise<void> {
  const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
  await tid('login-username').fill(username);
  await tid('login-password').fill(password);
  await tid('login-submit').click();
}

/**
 * The wall tests' site: these camera ids named "东门 1"…"东门 n", their sources on a closed loopback port (so they
 * stay offline and cost nothing), no demo cameras, no analytics.
 */
export function wallSiteYaml(ids: readonly string[]): string {
  return [
    'server: {host: 127.0.0.1}',
    'demo: false',
    'analytics: {enabled: false}',
    'cameras:',
    ...ids.map((id, i) => `  - {id: ${id}, name: "东门 ${i + 1}", url: "rtsp://127.0.0.1:9/${id}"}`),
  ].join('\n');
}
