import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * The card surface, the console's one raised box: surface colour, 1px border, 8px corners, and the padding the
 * place wants. Card hosts, a page's inner cards, modal dialogs, the keyboard-help panel, the camera page's side
 * panel and a round's count tiles all draw it. `selector` and `padding` are constants in the caller's code;
 * interpolate the result where the rule stood (`css\`… ${surfaceBox('.panel', '1em')} …\``) so the cascade order
 * stays as it was, and put anything else the element needs (colour, width) in a rule of its own.
 */
export function surfaceBox(selector: string, padding: string): CSSResult {
  return css`
    ${unsafeCSS(selector)} {
      background: var(--wp-surface);
      border: 1px solid var(--wp-border);
      border-radius: 8px;
      padding: ${unsafeCSS(padding)};
    }
  `;
}
