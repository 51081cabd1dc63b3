import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';
import { siteDateTime } from '../data/site-time';

export type { MessageKey };
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];
export const LANG_LABELS: Record<Lang, string> = { 'zh-CN': '中文', en: 'English' };

const TABLES: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'wp.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh-CN' || saved === 'en') return saved;
  } catch {
    // storage unavailable (private mode): fall through
  }
  const nav = (navigator.languages?.[0] ?? navigator.language ?? 'zh-CN').toLowerCase();
  return nav.startsWith('zh') ? 'zh-CN' : 'en';
}

let current: Lang = initialLang();
const listeners = new Set<(lang: Lang) => void>();
document.documentElement.lang = current;

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore
  }
  for (const fn of listeners) fn(lang);
}

/** Use `lang` unless the user chose a language on this device (the guard's phone page is zh-CN first). */
export function preferLang(lang: Lang): void {
  try {
    if (localStorage.getItem(STORAGE_KEY)) return;
  } catch {
    // storage unavailable: the page's preference applies
  }
  if (lang === current) return;
  current = lang;
  document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translate `key`, replacing `{name}` placeholders with `params.name`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = TABLES[current][key] ?? en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Has the table a message for this dynamic key (e.g. an offline reason from the server)? */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}

/** The site's local date-time "2025-01-31 08:05:09" (24 h, fixed width — readable on a wall; data/site-time.ts). */
export function formatDateTime(ms: number, withDate = true): string {
  return siteDateTime(ms, withDate);
}
