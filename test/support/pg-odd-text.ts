/**
 * Hostile-but-valid text for chain entries written by the writer "nodes" (pg-chain-node.ts): emoji with ZWJ and
 * flags, right-to-left Hebrew and Arabic with bidi overrides, control characters (no NUL: refused by the chain
 * stores on both engines, PostgreSQL text cannot hold U+0000), U+2028/U+2029, combining marks, 中文, zero-width
 * characters, a lone surrogate (stored and hashed as U+FFFD).
 */
export const ODD_PIECES = [
  '🚨 alarm 👮‍♀️🏳️‍🌈 🇨🇳',
  'שלום עולם',
  'مرحبا بالعالم',
  '\u202Eevil\u202C reversed',
  'ctl \u0001\u0007\u0008\t\u000b\u001b[31m\u007f\u0085 end',
  'e\u0301\u0308\u0323 Z\u0335\u0337\u0338',
  '监控记录：东门摄像头离线 中文',
  'zero\u200bwidth\u200d\ufeff',
  'lone \ud800 surrogate',
  'quote " back\\slash \' ` ${x} ; DROP TABLE duty_log; --',
  '\r\nnew\nlines\r',
  'line\u2028separator\u2029paragraph',
];

/** The i-th entry text of a node: several pieces, different per node and entry. */
export function oddText(node: string, i: number): string {
  const a = ODD_PIECES[i % ODD_PIECES.length]!;
  const b = ODD_PIECES[(i * 7 + node.length) % ODD_PIECES.length]!;
  return `${node} #${i} ${a} | ${b}`;
}

/** Extra data with Unicode keys and values, nested. */
export function oddData(node: string, i: number): Record<string, unknown> {
  return { node, i, 'ключ 🔑': oddText(node, i + 1), nested: { '中文': [i, null, true, 'e\u0301'], z: -0.5 } };
}
