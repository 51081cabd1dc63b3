import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ClockController } from '../controllers/clock-controller';
import { LocalizeController } from '../controllers/localize-controller';
import { serverNow, type DueItem } from '../data/patrol';
import { formatDateTime, t } from '../i18n';
import { wallStatusStyles } from './wall-status-styles';

type Shown = { item: DueItem; kind: 'overdue' | 'due' | 'in_progress' | 'next'; more: number };

/** The round the wall shows: overdue first, then due now, in progress, else the next one to fall due. */
export function pickRound(items: readonly DueItem[], now: number): Shown | null {
  const late = (i: DueItem) => i.state === 'overdue' || (i.state === 'due' && i.dueBy !== null && now > i.dueBy);
  const byDue = (a: DueItem, b: DueItem) => (a.dueBy ?? 0) - (b.dueBy ?? 0);
  const overdue = items.filter(late).sort(byDue);
  const due = items.filter((i) => i.state === 'due' && !late(i)).sort(byDue);
  const open = overdue.length + due.length;
  if (overdue[0]) return { item: overdue[0], kind: 'overdue', more: open - 1 };
  if (due[0]) return { item: due[0], kind: 'due', more: open - 1 };
  const running = items.find((i) => i.state === 'in_progress');
  if (running) return { item: running, kind: 'in_progress', more: 0 };
  const next = items.filter((i) => i.nextSlotMs !== null && i.nextSlotMs > now).sort((a, b) => a.nextSlotMs! - b.nextSlotMs!)[0];
  return next ? { item: next, kind: 'next', more: 0 } : null;
}

/** "08:12", "1:08:12". */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const p = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  return h ? `${h}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}` : `${p(Math.floor(s / 60))}:${p(s % 60)}`;
}

const hhmm = (ms: number) => formatDateTime(ms, false).slice(0, 5);

/**
 * The wall's patrol banner: the next round due (count-down to it), a round due now (time left to start it),
 * overdue (red, counting up), or in progress; "+n more" when several are due. Renders nothing without rounds.
 */
@customElement('wp-round-banner')
export class WpRoundBanner extends LitElement {
  @property({ attribute: false }) items: DueItem[] = [];

  private readonly clock = new ClockController(this);
  private readonly l10n = new LocalizeController(this);

  static override styles = wallStatusStyles;

  override render() {
    void this.clock.now;
    const now = serverNow();
    const shown = pickRound(this.items, now);
    if (!shown) return nothing;
    const { item, kind, more } = shown;
    const route = item.routeName;
    const text =
      kind === 'overdue' ? t('wall.round.overdue', { route, late: countdown(now - item.dueBy!), time: hhmm(item.dueBy!) })
      : kind === 'due' ? t('wall.round.due', { route, left: countdown(item.dueBy! - now), time: hhmm(item.dueBy!) })
      : kind === 'in_progress' ? t('wall.round.inProgress', { route, user: item.username ?? '' })
      : t('wall.round.next', { route, time: hhmm(item.nextSlotMs!), left: countdown(item.nextSlotMs! - now) });
    return html`<div class=${kind === 'overdue' ? 'pill alert' : kind === 'due' ? 'pill warn' : 'pill'} role=${kind === 'overdue' ? 'alert' : 'status'} data-testid="round-banner" data-state=${kind} data-route-id=${item.routeId}>
      ${text}${more > 0 ? ` · ${t('wall.round.more', { n: more })}` : ''}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-round-banner': WpRoundBanner;
  }
}
