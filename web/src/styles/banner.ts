import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * The storage warnings' two alert colours (the top bar's low-disk pill, the banner under it): red with white text
 * for "recording is failing or about to" (disk full, free space under the threshold), amber with dark text for
 * "evidence locks block the quota / the floor". The selectors are the component's class names (constants).
 */
export function storageAlertColours(red: string, amber: string): CSSResult {
  return css`
    ${unsafeCSS(red)} {
      background: var(--wp-offline);
      color: #fff;
    }
    ${unsafeCSS(amber)} {
      background: var(--wp-starting);
      color: #111;
    }
  `;
}
