/**
 * verify.html inside every evidence bundle (issue K): a police officer or a court opens it in any current
 * browser after unzipping, chooses the bundle's files, and the page checks — with WebCrypto only, no install,
 * nothing sent anywhere — the Ed25519 signature of manifest.json against public-key.pem, that the key is the one
 * the manifest names (its fingerprint is shown, to compare with the exporting site's), and the sha256 and size of
 * every file the manifest lists. `npm run verify-export` stays the authoritative check (it also checks the zip
 * structure and CRCs); a page inside the bundle cannot vouch for itself, which the page says.
 * Plain ES2020 in one inline script; the strings are bilingual (zh-CN first).
 */
import { MANIFEST_NAME, PUBLIC_KEY_NAME, SIGNATURE_NAME } from './manifest.ts';

export const VERIFY_HTML_NAME = 'verify.html';

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const b64 = (s) => Uint8Array.from(atob(s.trim()), (c) => c.charCodeAt(0));
const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function run(list) {
  const files = {};
  for (const f of list) files[f.name] = f;
  const rows = [];
  const check = (name, ok, detail) => rows.push({ name, ok, detail });
  const m = files['${MANIFEST_NAME}'], s = files['${SIGNATURE_NAME}'], k = files['${PUBLIC_KEY_NAME}'];
  if (!m || !s || !k) {
    check('${MANIFEST_NAME} / ${SIGNATURE_NAME} / ${PUBLIC_KEY_NAME}', false, '缺少文件 missing: choose every file of the unzipped bundle');
  } else {
    const mBytes = new Uint8Array(await m.arrayBuffer());
    const der = b64((await k.text()).replace(/-----[^-]+-----/g, '').replace(/\\s+/g, ''));
    const fp = 'sha256:' + hex(await crypto.subtle.digest('SHA-256', der.slice(der.length - 32)));
    $('fp').textContent = fp;
    let valid = false;
    try {
      const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
      valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, b64(await s.text()), mBytes);
      check('Ed25519 签名 signature (${MANIFEST_NAME})', valid, valid ? '有效 valid' : '无效 INVALID: the manifest was changed or signed by another key');
    } catch (e) {
      check('Ed25519 签名 signature', false, '此浏览器无法校验 Ed25519 this browser cannot check Ed25519: use npm run verify-export (' + e + ')');
    }
    let manifest;
    try {
      manifest = JSON.parse(new TextDecoder().decode(mBytes));
    } catch (e) {
      check('${MANIFEST_NAME}', false, '不是 JSON not JSON');
    }
    if (manifest) {
      const named = manifest.signature && manifest.signature.publicKeyFingerprint;
      check('公钥 public key = manifest', named === fp, named === fp ? fp : 'manifest names ' + named);
      for (const e of manifest.files || []) {
        const f = files[e.name];
        if (!f) { check(e.name, false, '缺少 missing'); continue; }
        if (f.size !== e.bytes) { check(e.name, false, '大小不符 size ' + f.size + ' ≠ ' + e.bytes); continue; }
        $('status').textContent = '正在计算 hashing ' + e.name + ' …';
        const h = hex(await crypto.subtle.digest('SHA-256', await f.arrayBuffer()));
        check(e.name, h === e.sha256, h === e.sha256 ? 'sha256 ' + h.slice(0, 16) + '… 一致 matches' : 'sha256 不一致 DIFFERS: ' + h);
      }
      $('meta').textContent = manifest.exportId + ' · ' + manifest.createdAt + ' · ' + (manifest.exportedBy && manifest.exportedBy.username) + ' · ' + manifest.reason;
    }
  }
  const ok = rows.length > 0 && rows.every((r) => r.ok);
  $('status').textContent = '';
  $('verdict').textContent = ok ? '✔ 已验证 VERIFIED: 所有 ' + rows.length + ' 项检查通过 all ' + rows.length + ' checks passed' : '✘ 未通过 NOT VERIFIED';
  $('verdict').className = ok ? 'ok' : 'bad';
  $('verdict').dataset.ok = String(ok);
  $('rows').innerHTML = rows.map((r) => '<tr class="' + (r.ok ? 'ok' : 'bad') + '"><td>' + (r.ok ? '✔' : '✘') + '</td><td>' + esc(r.name) + '</td><td>' + esc(r.detail) + '</td></tr>').join('');
}
$('files').addEventListener('change', (e) => run(e.target.files).catch((err) => { $('verdict').textContent = '✘ ' + err; $('verdict').dataset.ok = 'false'; }));
`;

export function verifyHtml(fingerprint: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Watchpost 证据包校验 · Evidence bundle verification</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2em;max-width:60em}code{font-size:13px}table{border-collapse:collapse;width:100%}
td{border-bottom:1px solid #ccc;padding:4px 6px;vertical-align:top;word-break:break-all}.ok{color:#17692e}.bad{color:#b00020}#verdict{font-size:1.4em;font-weight:700}</style>
</head><body>
<h1>证据包校验 · Evidence bundle verification</h1>
<p>先解压证据包，再在下面选择其中的<b>全部文件</b>。校验完全在本机浏览器中完成，不上传任何内容。<br>
Unzip the bundle, then choose <b>all of its files</b> below. Everything is checked in this browser; nothing is uploaded.</p>
<p><input type="file" id="files" multiple data-testid="verify-files"></p>
<p id="status"></p><p id="verdict" data-testid="verify-verdict"></p><p id="meta"></p>
<table><tbody id="rows"></tbody></table>
<p>签名公钥指纹 Public key fingerprint: <code id="fp">${fingerprint}</code><br>
请与导出站点控制台（审计页）显示的指纹核对。Compare it with the fingerprint the exporting site's console shows (Audit page).</p>
<p><small>此页面本身也在证据包内，不能为自己作证；权威校验：<code>npm run verify-export -- bundle.zip --key ${fingerprint}</code>（同时检查 ZIP 结构与 CRC）。
This page travels inside the bundle and cannot vouch for itself; the authoritative check is <code>npm run verify-export</code> (it also checks the zip structure and CRCs).</small></p>
<script>${SCRIPT}</script>
</body></html>
`;
}
