import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import type { WallView } from '../data/wall-views';
import { t, type MessageKey } from '../i18n';
import { sharedStyles } from '../styles/shared';

/**
 * The wall's named views: switch (a select; "automatic" = every camera in the operator's order), save the
 * current arrangement as a new view (name ≤ 50, optional display), delete the selected one (a second click
 * confirms), rename the selected one (name and display), save a hand-made change back into the view it came
 * from. With `display` (this browser's display) that display's views come first, under its name, and "save as"
 * starts with it. Fires `view-select` ({id | null}), `view-save` ({name, display}), `view-rename` ({id, name,
 * display}), `view-update`, `view-delete` ({id}).
 * `readonly` (a wall-display account): switch only.
 */
@customElement('wp-view-picker')
export class WpViewPicker extends LitElement {
  @property({ attribute: false }) views: WallView[] = [];
  @property({ attribute: false }) selected: number | null = null;
  @property({ type: Boolean }) readonly = false;
  /** the tiles were arranged by hand (a drag) and not saved */
  @property({ type: Boolean }) custom = false;
  /** the view a hand-made change came from: "save into" it */
  @property({ attribute: false }) base?: WallView;
  /** an i18n key of the last failure, or '' */
  @property() error: MessageKey | '' = '';
  /** this browser's display (null: none) */
  @property({ attribute: false }) display: string | null = null;
  /** the inline form open: save as a new view, or rename the selected one */
  @state() private form: '' | 'save' | 'rename' = '';
  /** the view being renamed (kept: a tour may switch the selected view meanwhile) */
  private renameId: number | null = null;
  @state() private confirmDelete = false;

  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.4em;
        flex-wrap: wrap;
      }
      form {
        display: inline-flex;
        gap: 0.3em;
        align-items: center;
      }
      input {
        width: 9em;
      }
      .error {
        color: var(--wp-offline);
      }
    `,
  ];

  private fire(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  private onSubmit(e: Event): void {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const name = (f.elements.namedItem('name') as HTMLInputElement).value.trim();
    const display = (f.elements.namedItem('display') as HTMLInputElement).value.trim();
    if (!name) return;
    if (this.form === 'rename' && this.renameId !== null) this.fire('view-rename', { id: this.renameId, name, display });
    else this.fire('view-save', { name, display });
    this.form = '';
  }

  private renderForm() {
    const renaming = this.form === 'rename' ? this.views.find((v) => v.id === this.renameId) : undefined;
    return html`<form data-testid=${renaming ? 'view-rename-form' : 'view-save-form'} @submit=${this.onSubmit}>
      <input name="name" data-testid="view-name" maxlength="50" required .value=${renaming?.name ?? ''} placeholder=${t('wall.views.name')} aria-label=${t('wall.views.name')} />
      <input
        name="display"
        data-testid="view-display"
        maxlength="50"
        .value=${(renaming ? renaming.display : this.display) ?? ''}
        placeholder=${t('wall.views.display')}
        aria-label=${t('wall.views.display')}
      />
      <button type="submit" class="primary" data-testid="view-save">${t(renaming ? 'wall.views.renameSave' : 'wall.views.save')}</button>
      <button type="button" @click=${() => (this.form = '')}>${t('wall.views.cancel')}</button>
    </form>`;
  }

  /** The views as options: this display's first, under its name, when it has any. */
  private viewOptions() {
    const option = (v: WallView) => html`<option value=${v.id} .selected=${this.selected === v.id}>${v.display ? `${v.name}（${v.display}）` : v.name}</option>`;
    const mine = this.display ? this.views.filter((v) => v.display === this.display) : [];
    if (!mine.length) return this.views.map(option);
    const others = this.views.filter((v) => v.display !== this.display);
    return html`<optgroup label=${this.display ?? ''} data-testid="view-group-display">${mine.map(option)}</optgroup>
      ${others.length ? html`<optgroup label=${t('wall.views.others')} data-testid="view-group-others">${others.map(option)}</optgroup>` : nothing}`;
  }

  override render() {
    return html`
      <label>
        ${t('wall.views.label')}
        <select
          data-testid="view-select"
          @change=${(e: Event) => {
            const v = (e.target as HTMLSelectElement).value;
            this.confirmDelete = false;
            if (this.form === 'rename') this.form = '';
            this.fire('view-select', { id: v && v !== 'custom' ? Number(v) : null });
          }}
        >
          <option value="" .selected=${this.selected === null && !this.custom}>${t('wall.views.auto')}</option>
          ${this.custom && this.selected === null ? html`<option value="custom" disabled .selected=${true} data-testid="view-custom">${t('wall.views.custom')}</option>` : nothing}
          ${this.viewOptions()}
        </select>
      </label>
      ${this.readonly
        ? nothing
        : html`${this.form
              ? this.renderForm()
              : html`<button type="button" data-testid="view-save-as" @click=${() => (this.form = 'save')}>${t('wall.views.saveAs')}</button>
                  <button type="button" data-testid="view-rename" ?disabled=${this.selected === null} @click=${() => {
                      this.renameId = this.selected;
                      this.form = 'rename';
                    }}
                  >${t('wall.views.rename')}</button>`}
            ${this.base
              ? html`<button type="button" data-testid="view-update" @click=${() => this.fire('view-update', {})}>${t('wall.views.update', { name: this.base.name })}</button>`
              : nothing}
            <button
              type="button"
              data-testid="view-delete"
              ?disabled=${this.selected === null}
              @click=${() => {
                if (this.selected === null) return;
                if (!this.confirmDelete) return void (this.confirmDelete = true);
                this.confirmDelete = false;
                this.fire('view-delete', { id: this.selected });
              }}
            >
              ${t(this.confirmDelete ? 'wall.views.deleteConfirm' : 'wall.views.delete')}
            </button>`}
      ${this.error ? html`<span class="error" role="alert" data-testid="view-error">${t(this.error)}</span>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-view-picker': WpViewPicker;
  }
}
