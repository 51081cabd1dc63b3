/**
 * CSV cells and lines (RFC 4180) for every CSV the server writes: the audit trail, the patrol reports, the
 * equipment report. Quotes when needed; a cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * is prefixed with an apostrophe — user names, reasons and camera names are free text. Objects are written as JSON.
 */
export function csvCell(v: unknown): string {
  let s = v == null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line without its line break. */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}
