/**
 * The stepper's last screen (issue K, patrol): how the round ended — its grade (on time / late / incomplete, from
 * the server, server/patrol/schedule.ts), when it started against its on-time deadline, how many stops were normal,
 * anomaly, not verifiable, and the stops missed (skipped or never reached), then every stop's outcome.
 */
import { css, html, nothing } from 'lit';
import { outcomeCounts, type Round } from '../data/patrol';
import { formatDateTime, t } from '../i18n';
import { surfaceBox } from '../styles/surface';

const minutes = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export const resultStyles = css`
  .result { grid-column: 1 / -1; padding: 2em; overflow: auto; display: grid; gap: 1em; align-content: start; justify-items: start; }
  .result h2 { margin: 0; font-size: 1.1em; color: var(--wp-text-muted); }
  .grade { font-size: 2.2em; font-weight: 800; padding: 0.1em 0.6em; border-radius: 8px; background: var(--wp-surface); border: 2px solid var(--wp-border); }
  .grade[data-grade='on_time'] { border-color: var(--wp-online); color: var(--wp-online); }
  .grade[data-grade='late'] { border-color: var(--wp-starting); color: var(--wp-starting); }
  .grade[data-grade='incomplete'], .grade[data-grade='missed'] { border-color: var(--wp-offline); color: #ffb4b4; }
  .counts { display: grid; grid-template-columns: repeat(4, minmax(9em, auto)); gap: 0.6em; }
  ${surfaceBox('.counts div', '0.6em 1em')}
  .counts b { display: block; font-size: 1.8em; }
  .counts .bad b { color: #ffb4b4; }
`;

/** The last screen of a closed round; `back` returns to the list of rounds. */
export function renderResult(r: Round, back: () => void) {
  const c = outcomeCounts(r.stops);
  const missed = c.skipped + c.not_done;
  const late = r.dueBy !== undefined && r.startedMs > r.dueBy ? r.startedMs - r.dueBy : 0;
  const count = (label: string, n: number, testid: string, bad = false) =>
    html`<div class=${bad && n > 0 ? 'bad' : ''} data-testid=${testid} data-n=${n}><b>${n}</b>${label}</div>`;
  return html`
    <header>
      <h1 data-testid="step-title">${r.routeName} · ${t(r.status === 'completed' ? 'step.done' : 'step.abandoned')}</h1>
      <button class="primary" data-testid="step-back" @click=${back}>${t('step.back')}</button>
    </header>
    <section class="result" data-testid="round-result" data-status=${r.status}>
      <h2>${t('step.result')}</h2>
      ${r.grade
        ? html`<div class="grade" data-testid="round-grade" data-grade=${r.grade} aria-label=${t('step.grade')}>${t(`grade.${r.grade}`)}</div>`
        : nothing}
      <div data-testid="round-timing">
        ${t('step.started', { time: formatDateTime(r.startedMs, false) })}${r.dueBy !== undefined
          ? html` · ${t('step.dueBy', { time: formatDateTime(r.dueBy, false) })}${late ? html` · ${t('step.lateBy', { time: minutes(late) })}` : nothing}`
          : nothing}${r.endedMs ? html` · ${t('step.ended', { time: formatDateTime(r.endedMs, false) })}` : nothing}
      </div>
      <div class="counts" data-testid="round-counts">
        ${count(t('outcome.normal'), c.normal, 'count-normal')}
        ${count(t('outcome.anomaly'), c.anomaly, 'count-anomaly', true)}
        ${count(t('outcome.not_verifiable'), c.not_verifiable, 'count-not-verifiable', true)}
        ${count(t('step.missedStops'), missed, 'count-missed', true)}
      </div>
      <div data-testid="round-done">${t('step.stopsLine', { list: r.stops.map((s) => t(`outcome.${s.outcome ?? 'pending'}`)).join(' · ') })}</div>
    </section>
  `;
}
