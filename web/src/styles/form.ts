import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * A form field's box (text inputs, selects, textareas, date inputs): the page's font, text colour, a sunken
 * background (`--wp-bg`; toolbars of the zone editor and the alarm queue use `--wp-surface-2`), border and corners.
 * Padding (and so the field's height) is the place's: 0.5em 0.7em in a card form, 0.45em in a dialog, 0.35em in a
 * list page's filter row, 0.4–0.5em in a note or report textarea, 0.3em/0.25em in a toolbar. Interpolate where the rule stood: `css\`… ${fieldBox('select',
 * '0.35em 0.5em')} …\``; the arguments are constants in the caller's code.
 */
export function fieldBox(selector: string, padding: string, background = 'var(--wp-bg)'): CSSResult {
  return css`
    ${unsafeCSS(selector)} {
      font: inherit;
      color: var(--wp-text);
      background: ${unsafeCSS(background)};
      border: 1px solid var(--wp-border);
      border-radius: var(--wp-radius);
      padding: ${unsafeCSS(padding)};
    }
  `;
}

/** A labelled field in a grid form (camera form, ONVIF onboarding, the evidence dialogs): muted label above the field; `.wide` spans the row. */
export const fieldLabelStyles = css`
  label {
    display: grid;
    gap: 0.3em;
    font-size: 0.9em;
    color: var(--wp-text-muted);
  }
  .wide {
    grid-column: 1 / -1;
  }
`;
