/**
 * Issue K's text checker for the browser tests: COLLECT (run in the page) gathers every text a user can read —
 * text nodes, placeholder / title / aria-label / alt attributes, button values, visible select options, SVG
 * titles, the document title — descending into shadow roots, skipping `data-raw` machine data. latinWords() gives
 * the Latin words of a text that are not on the short allow-list of names and codes; cjk() is the English check.
 */
/** Words that are legitimately Latin in a Chinese UI (compared case-sensitively, as whole words). */
export const ALLOWED_WORDS = new Set([
  // protocols, formats, standards
  // (URLs, "rtsp://", SHA-256, H.264/H.265, hex hashes, "sha256:<hex>" key fingerprints, signal names (SIGSEGV) and
  // IANA time zones (Asia/Shanghai) are removed before the check)
  'ONVIF', 'RTSP', 'HLS', 'MQTT', 'PTZ', 'ID', 'IP', 'URL', 'JPEG', 'PNG', 'CSV', 'MP4', 'ZIP', 'NTP', 'UTC', 'fps', 'B', 'KB', 'MB', 'GB',
  // the key on the keyboard
  'Shift',
  // the brand
  'Watchpost',
  // test data: camera id, user names
  'gate', 'lobby', 'admin', 'wang', 'zhang',
]);
/** The language switcher offers the other language in its own script. */
export const SWITCHER = 'wp-language-switch';

export interface Found {
  text: string;
  where: string;
}

/** Runs in the page: all visible text with where it was found. */
export const COLLECT = `(() => {
  const out = [];
  const describe = (el) => {
    const parts = [];
    let n = el;
    while (n && parts.length < 6) {
      if (n.nodeType === 1) {
        const tag = n.tagName.toLowerCase();
        const id = n.getAttribute('data-testid');
        if (tag.includes('-') || id || n === el) parts.unshift(id ? tag + '[data-testid=' + id + ']' : tag);
      }
      n = n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentNode;
    }
    return parts.join(' > ');
  };
  const visible = (el) => {
    if (el.tagName === 'OPTION' || el.tagName === 'OPTGROUP') {
      const sel = el.closest('select, datalist');
      return sel ? sel.tagName === 'DATALIST' || visible(sel) : false;
    }
    return el.checkVisibility({ visibilityProperty: true });
  };
  const ATTRS = ['placeholder', 'title', 'aria-label', 'alt', 'aria-description'];
  const walk = (root) => {
    for (const node of root.childNodes) {
      if (node.nodeType === 3) {
        const p = node.parentElement;
        const s = node.textContent.trim();
        if (s && p && !['SCRIPT', 'STYLE'].includes(p.tagName) && !p.closest('[data-raw]') && visible(p)) out.push({ text: s, where: describe(p) });
      } else if (node.nodeType === 1) {
        const el = node;
        if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)) continue;
        // an SVG <title> is the tooltip of its shape
        if (el.tagName === 'title' && el.parentElement && el.parentElement.closest('svg') && visible(el.parentElement.closest('svg'))) {
          const s = el.textContent.trim();
          if (s) out.push({ text: s, where: describe(el.parentElement) + ' > svg title' });
          continue;
        }
        if (visible(el)) {
          for (const a of ATTRS) {
            const v = el.getAttribute(a);
            if (v && v.trim()) out.push({ text: v.trim(), where: describe(el) + ' @' + a });
          }
          if (el.tagName === 'INPUT' && ['button', 'submit', 'reset'].includes(el.type) && el.value) out.push({ text: el.value, where: describe(el) + ' @value' });
        }
        if (el.shadowRoot) walk(el.shadowRoot);
        walk(el);
      }
    }
  };
  walk(document);
  if (document.title) out.push({ text: document.title, where: 'document.title' });
  return out;
})()`;

/** Latin words not on the allow-list, after removing what is data rather than UI text. */
export function latinWords(f: Found): string[] {
  const s = f.text
    .replace(/\b(?:rtsps?|https?):\/\/\S*/g, ' ') // URLs and URL schemes (rtsp://)
    .replace(/\bsha256:[0-9a-f]+/g, ' ') // a key fingerprint
    .replace(/\bexp-\d{8}-\d{6}-[0-9a-f]+\b/g, ' ') // an export's id
    .replace(/\b[0-9a-f]{8,}\b/gi, ' ') // hashes
    .replace(/\bH\.26[45]\b/g, ' ')
    .replace(/\bSHA-256\b/g, ' ')
    .replace(/\bSIG[A-Z0-9]+\b/g, ' ') // a POSIX signal name (a crashed process)
    .replace(/\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_+\-/0-9]+/g, ' '); // an IANA time zone
  const words = s.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [];
  return words.filter((w) => !ALLOWED_WORDS.has(w) && !(w === 'English' && f.where.includes(SWITCHER)));
}

export function cjk(f: Found): boolean {
  if (f.where.includes(SWITCHER) && f.text === '中文') return false;
  return /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/.test(f.text);
}

/** The failure message: each offending text once, with where it was found. */
export function report(bad: Found[], why: (f: Found) => string): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const f of bad) {
    const key = `${f.text}|${f.where}`;
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(`  «${f.text}» ${why(f)} — ${f.where}`);
  }
  return `${lines.length} untranslated text(s):\n${lines.join('\n')}`;
}
