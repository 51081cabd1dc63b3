import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * A two-column list of facts (a camera's details on its page, a probed device in ONVIF onboarding): muted term on
 * the left, value on the right, no indent. The row gap is the place's (a constant); interpolate where the rules
 * stood and add e.g. `dt { white-space: nowrap }` locally.
 */
export function detailList(rowGap: string): CSSResult {
  return css`
    dl {
      margin: 0;
      display: grid;
      grid-template-columns: auto 1fr;
      gap: ${unsafeCSS(rowGap)} 1em;
    }
    dt {
      color: var(--wp-text-muted);
    }
    dd {
      margin: 0;
    }
  `;
}
