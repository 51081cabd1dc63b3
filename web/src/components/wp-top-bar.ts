import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LocalizeController } from '../controllers/localize-controller';
import { StoreController } from '../controllers/store-controller';
import { alarms, openAlarmCount } from '../data/alarms';
import type { ConnectionState } from '../data/cameras';
import type { User } from '../data/types';
import { t } from '../i18n';
import { sharedStyles } from '../styles/shared';
import './wp-connection-indicator';
import './wp-language-switch';
import './wp-storage-alarm';
import './wp-site-zone';

/** Product name, navigation, user + role, language, logout. Fires `wp-logout`. */
@customElement('wp-top-bar')
export class WpTopBar extends LitElement {
  @property({ attribute: false }) user: User | null = null;
  /** Name of the active route, for highlighting the nav link. */
  @property() active = '';
  @property() connection: ConnectionState = 'reconnecting';

  private readonly l10n = new LocalizeController(this);
  /** live from the SSE stream: the badge of alarms not resolved yet */
  private readonly alarmStore = new StoreController(this, alarms);

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3em 1em;
        padding: 0.45em 1em;
        background: var(--wp-surface);
        border-bottom: 1px solid var(--wp-border);
      }
      .brand {
        font-weight: 800;
        font-size: 1.15em;
        letter-spacing: 0.02em;
        white-space: nowrap;
      }
      .brand span {
        color: var(--wp-online);
        margin-left: 0.3em;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2em;
      }
      nav a {
        color: var(--wp-text-muted);
        text-decoration: none;
        white-space: nowrap;
        padding: 0.35em 0.65em;
        border-radius: var(--wp-radius);
        font-weight: 600;
      }
      nav a:hover {
        color: var(--wp-text);
      }
      nav a[aria-current='page'] {
        color: var(--wp-text);
        background: var(--wp-surface-2);
        box-shadow: inset 0 -2px 0 var(--wp-accent);
      }
      button,
      .user {
        white-space: nowrap;
      }
      .spacer {
        flex: 1;
      }
      .user {
        white-space: nowrap;
      }
      .badge {
        display: inline-block;
        min-width: 1.4em;
        margin-left: 0.35em;
        padding: 0 0.4em;
        border-radius: 0.8em;
        background: var(--wp-offline, #e53935);
        color: #fff;
        font-size: 0.8em;
        text-align: center;
        line-height: 1.4em;
      }
      .role {
        color: var(--wp-text-muted);
        font-size: 0.85em;
        margin-left: 0.3em;
      }
    `,
  ];

  private renderBadge() {
    const n = openAlarmCount(this.alarmStore.value);
    if (!n) return nothing;
    const label = n === 1 ? t('alarms.openCountOne') : t('alarms.openCount', { n });
    return html`<span class="badge" data-testid="nav-alarms-count" data-count=${n} title=${label} aria-label=${label}>${n > 99 ? '99+' : n}</span>`;
  }

  private renderNav(u: User | null, cur: (name: string) => string | typeof nothing) {
    return html`
        <a href="/cameras" data-testid="nav-cameras" aria-current=${cur('cameras')}>${t('nav.cameras')}</a>
        <a href="/alarms" data-testid="nav-alarms" aria-current=${cur('alarms')}>${t('nav.alarms')}${this.renderBadge()}</a>
        <a href="/rounds" data-testid="nav-rounds" aria-current=${cur('rounds')}>${t('nav.rounds')}</a>
        <a href="/dutylog" data-testid="nav-dutylog" aria-current=${cur('dutylog')}>${t('nav.dutylog')}</a>
        <a href="/handover" data-testid="nav-handover" aria-current=${cur('handover')}>${t('nav.handover')}</a>
        ${u && u.role !== 'operator'
          ? html`<a href="/compliance" data-testid="nav-compliance" aria-current=${cur('compliance')}>${t('nav.compliance')}</a>`
          : nothing}
        <a href="/review" data-testid="nav-review" aria-current=${cur('review')}>${t('nav.review')}</a>
        <a href="/equipment" data-testid="nav-equipment" aria-current=${cur('equipment')}>${t('nav.equipment')}</a>
        ${u && (u.role === 'supervisor' || u.role === 'admin')
          ? html`<a href="/audit" data-testid="nav-audit" aria-current=${cur('audit')}>${t('nav.audit')}</a>`
          : nothing}
        ${u?.role === 'admin'
          ? html`<a href="/users" data-testid="nav-users" aria-current=${cur('users')}>${t('nav.users')}</a>`
          : nothing}
    `;
  }

  override render() {
    const u = this.user;
    const cur = (name: string) => (this.active === name ? 'page' : nothing);
    return html`
      <div class="brand">${t('app.name')}<span>${t('app.subtitle')}</span></div>
      <nav>
        <a href="/wall" data-testid="nav-wall" aria-current=${cur('wall')}>${t('nav.wall')}</a>
        ${u?.role === 'wall' ? nothing : this.renderNav(u, cur)}
      </nav>
      <div class="spacer"></div>
      <wp-site-zone></wp-site-zone>
      <wp-storage-alarm></wp-storage-alarm>
      <wp-connection-indicator data-testid="connection-indicator" data-state=${this.connection} .state=${this.connection}></wp-connection-indicator>
      ${u
        ? html`<a class="user" href="/password" title=${t('nav.password')} data-testid="current-user">
            ${u.displayName || u.username}<span class="role">${t(`role.${u.role}`)}</span>
          </a>`
        : nothing}
      <wp-language-switch></wp-language-switch>
      <button type="button" data-testid="logout" @click=${() => this.dispatchEvent(new CustomEvent('wp-logout', { bubbles: true, composed: true }))}>
        ${t('nav.logout')}
      </button>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-top-bar': WpTopBar;
  }
}
