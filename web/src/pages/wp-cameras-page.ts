import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { cameras, createCamera, deleteCamera, testCameraSource, updateCamera } from '../data/cameras';
import { isAdmin } from '../data/session';
import type { CameraCreateBody, CameraInput, CameraTestInput, CameraTestResult, User } from '../data/types';
import { t } from '../i18n';
import { errorMessage } from '../i18n/errors';
import { sharedStyles } from '../styles/shared';
import { iconPlus } from '../components/icons';
import '../components/wp-camera-form';
import '../components/wp-camera-table';
import '../components/wp-confirm-dialog';
import '../components/wp-discovery-panel';

/** Camera management: list, add, edit, enable/disable, delete (admins only; the server enforces it too). */
@customElement('wp-cameras-page')
export class WpCamerasPage extends LitElement {
  @property({ attribute: false }) user: User | null = null;

  /** 'add', the id of the camera being edited, or null (form closed). */
  @state() private editing: string | null = null;
  @state() private formError: string | null = null;
  @state() private formBusy = false;
  @state() private testing = false;
  @state() private testResult: CameraTestResult | null = null;
  @state() private testError: string | null = null;
  /** answers of an earlier test (or of another form) are dropped */
  private testSeq = 0;
  @state() private busy: ReadonlySet<string> = new Set();
  @state() private deleteId: string | null = null;
  @state() private pageError: string | null = null;
  @state() private discovering = false;

  private readonly store = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        height: 100%;
        overflow: auto;
        padding: 1.2em 1.5em 3em;
      }
      header {
        display: flex;
        align-items: center;
        gap: 1em;
        margin-bottom: 1em;
      }
      h1 {
        margin: 0;
        font-size: 1.4em;
        flex: 1;
      }
      wp-camera-form,
      wp-discovery-panel,
      .error,
      .note {
        margin-bottom: 1em;
      }
    `,
  ];

  private setBusy(id: string, on: boolean): void {
    const next = new Set(this.busy);
    if (on) next.add(id);
    else next.delete(id);
    this.busy = next;
  }

  private openForm(mode: string): void {
    this.editing = mode;
    this.formError = null;
    this.resetTest();
  }

  private resetTest(): void {
    this.testSeq++;
    this.testing = false;
    this.testResult = null;
    this.testError = null;
  }

  private async onTest(e: CustomEvent<{ input: CameraTestInput }>): Promise<void> {
    const seq = ++this.testSeq;
    this.testing = true;
    this.testResult = null;
    this.testError = null;
    try {
      const r = await testCameraSource(e.detail.input);
      if (seq === this.testSeq) this.testResult = r;
    } catch (err) {
      if (seq === this.testSeq) this.testError = errorMessage(err);
    } finally {
      if (seq === this.testSeq) this.testing = false;
    }
  }

  private async onSubmit(e: CustomEvent<{ input: CameraInput }>): Promise<void> {
    const editing = this.editing;
    if (!editing) return;
    this.formBusy = true;
    this.formError = null;
    try {
      if (editing === 'add') await createCamera(e.detail.input as CameraCreateBody); // the form sets name and url when adding
      else if (Object.keys(e.detail.input).length) await updateCamera(editing, e.detail.input);
      this.editing = null;
    } catch (err) {
      this.formError = errorMessage(err);
    } finally {
      this.formBusy = false;
    }
  }

  private async onToggle(e: CustomEvent<{ id: string; enabled: boolean }>): Promise<void> {
    const { id, enabled } = e.detail;
    this.setBusy(id, true);
    this.pageError = null;
    try {
      await updateCamera(id, { enabled });
    } catch (err) {
      this.pageError = errorMessage(err);
    } finally {
      this.setBusy(id, false);
    }
  }

  private async onConfirmDelete(): Promise<void> {
    const id = this.deleteId;
    this.deleteId = null;
    if (!id) return;
    this.setBusy(id, true);
    this.pageError = null;
    try {
      await deleteCamera(id);
      if (this.editing === id) this.editing = null;
    } catch (err) {
      this.pageError = errorMessage(err);
    } finally {
      this.setBusy(id, false);
    }
  }

  override render() {
    const list = this.store.value.cameras;
    const admin = isAdmin(this.user);
    const editCam = this.editing && this.editing !== 'add' ? list.find((c) => c.id === this.editing) : undefined;
    const delCam = this.deleteId ? list.find((c) => c.id === this.deleteId) : undefined;
    return html`
      <header>
        <h1>${t('cameras.title')}</h1>
        ${admin && !this.discovering
          ? html`<button type="button" data-testid="open-discovery" @click=${() => (this.discovering = true)}>${t('discovery.open')}</button>`
          : nothing}
        ${admin && this.editing !== 'add'
          ? html`<button type="button" class="primary" data-testid="add-camera" @click=${() => this.openForm('add')}>${iconPlus} ${t('cameras.add')}</button>`
          : nothing}
      </header>
      ${admin && this.discovering
        ? html`<wp-discovery-panel @close=${() => (this.discovering = false)}></wp-discovery-panel>`
        : nothing}
      ${admin ? nothing : html`<p class="note muted" data-testid="admin-only-note">${t('cameras.adminOnly')}</p>`}
      ${this.pageError ? html`<div class="error" role="alert" data-testid="page-error">${this.pageError}</div>` : nothing}
      ${admin && (this.editing === 'add' || editCam)
        ? html`<wp-camera-form
            .camera=${editCam}
            .error=${this.formError}
            .busy=${this.formBusy}
            .existingCameras=${list}
            .testing=${this.testing}
            .testResult=${this.testResult}
            .testError=${this.testError}
            @camera-test=${this.onTest}
            @camera-submit=${this.onSubmit}
            @cancel=${() => (this.editing = null)}
          ></wp-camera-form>`
        : nothing}
      <wp-camera-table
        .cameras=${list}
        .admin=${admin}
        .busy=${this.busy}
        @toggle-enabled=${this.onToggle}
        @edit-request=${(e: CustomEvent<{ id: string }>) => this.openForm(e.detail.id)}
        @delete-request=${(e: CustomEvent<{ id: string }>) => (this.deleteId = e.detail.id)}
      ></wp-camera-table>
      <wp-confirm-dialog
        .open=${!!delCam}
        .message=${delCam ? t('cameras.confirmDelete', { name: delCam.name }) : ''}
        .confirmLabel=${t('cameras.confirm')}
        .cancelLabel=${t('cameras.cancel')}
        @confirm=${this.onConfirmDelete}
        @cancel=${() => (this.deleteId = null)}
      ></wp-confirm-dialog>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-cameras-page': WpCamerasPage;
  }
}
