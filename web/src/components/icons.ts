import { html } from 'lit';

/** Inline icons (no icon fonts: the console runs without network and without extra fonts). */
const icon = (d: string) =>
  html`<svg viewBox="0 0 24 24" width="1.1em" height="1.1em" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><path d=${d} /></svg>`;

export const iconFullscreen = icon('M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5');
export const iconExitFullscreen = icon('M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5');
export const iconBack = icon('M15 5l-7 7 7 7');
export const iconPlus = icon('M12 5v14M5 12h14');
