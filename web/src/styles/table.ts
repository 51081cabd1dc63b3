import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * A data table (list pages, the camera table, discovery's device list): full width, collapsed borders, left-aligned
 * cells with a line under each row. Cell padding and vertical alignment are the place's (roomy and middle in the
 * camera table, dense and top in the audit log). Interpolate where the rules stood; the arguments are constants.
 */
export function dataTable(cellPadding: string, verticalAlign: 'top' | 'middle'): CSSResult {
  return css`
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th,
    td {
      text-align: left;
      padding: ${unsafeCSS(cellPadding)};
      border-bottom: 1px solid var(--wp-border);
      vertical-align: ${unsafeCSS(verticalAlign)};
    }
  `;
}

/** A data table's column heads in the muted semi-bold look (audit log, users, camera table). */
export const columnHeadStyles = css`
  th {
    color: var(--wp-text-muted);
    font-weight: 600;
  }
`;
