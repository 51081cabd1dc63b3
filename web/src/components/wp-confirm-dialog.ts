import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared';
import { modalDialogStyles } from '../styles/dialog';

/** Modal yes/no question on a native <dialog>. Fires `confirm` or `cancel`. */
@customElement('wp-confirm-dialog')
export class WpConfirmDialog extends LitElement {
  @property({ type: Boolean }) open = false;
  @property() message = '';
  @property() confirmLabel = 'OK';
  @property() cancelLabel = 'Cancel';

  @query('dialog') private dialog!: HTMLDialogElement;

  static override styles = [
    sharedStyles,
    css`
      ${modalDialogStyles}
      dialog {
        max-width: 28em;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.6em;
        margin-top: 1.2em;
      }
    `,
  ];

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    if (this.open && !this.dialog.open) this.dialog.showModal();
    if (!this.open && this.dialog.open) this.dialog.close();
  }

  private fire(name: 'confirm' | 'cancel'): void {
    this.dispatchEvent(new CustomEvent(name));
  }

  override render() {
    return html`<dialog data-testid="confirm-dialog" @cancel=${(e: Event) => (e.preventDefault(), this.fire('cancel'))}>
      <p>${this.message}</p>
      <div class="actions">
        <button type="button" data-testid="confirm-cancel" @click=${() => this.fire('cancel')}>${this.cancelLabel}</button>
        <button type="button" class="danger" data-testid="confirm-ok" @click=${() => this.fire('confirm')}>${this.confirmLabel}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-confirm-dialog': WpConfirmDialog;
  }
}
