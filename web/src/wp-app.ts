import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { LocalizeController } from './controllers/localize-controller';
import { StoreController } from './controllers/store-controller';
import { startData } from './data/boot';
import { cameras } from './data/cameras';
import { logout, session } from './data/session';
import { setLang, t, type Lang } from './i18n';
import { parseRoute, type NavigateDetail, type Route } from './router';
import './components/wp-top-bar';
import './components/wp-storage-banner';
import './pages/wp-camera-page';
import './pages/wp-cameras-page';
import './pages/wp-login-page';
import './pages/wp-password-page';
import './pages/wp-equipment-page';
import './pages/wp-nodes-page';
import './pages/wp-wall-page';
import './pages/wp-rounds-page';
import './pages/wp-dutylog-page';
import './pages/wp-handover-page';
import './pages/wp-compliance-page';
import './pages/wp-alarms-page';
import './pages/wp-review-page';
import './pages/wp-audit-page';
import './pages/wp-users-page';
import './pages/wp-guard-page';

/** Root element: routing (History API), session gate, top bar. */
@customElement('wp-app')
export class WpApp extends LitElement {
  @state() private route: Route = parseRoute(location);

  private readonly session = new StoreController(this, session);
  private readonly cameras = new StoreController(this, cameras);
  private readonly l10n = new LocalizeController(this);

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    main {
      flex: 1;
      min-height: 0;
      position: relative;
      display: grid;
      grid-template: minmax(0, 1fr) / minmax(0, 1fr);
    }
    .splash {
      flex: 1;
      display: grid;
      place-items: center;
      color: var(--wp-text-muted);
      font-size: 1.3em;
    }
    .splash.bad {
      color: var(--wp-starting);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    this.addEventListener('wp-navigate', this.onNavigate);
    this.addEventListener('wp-back', this.onBack);
    this.addEventListener('wp-logout', this.onLogout);
    this.addEventListener('wp-lang-change', this.onLang as EventListener);
    this.addEventListener('click', this.onClick);
    if (history.state?.idx === undefined) history.replaceState({ idx: 0 }, '');
    startData();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
  }

  navigate(path: string, replace = false): void {
    if (path === location.pathname + location.search) return;
    const idx = (history.state?.idx ?? 0) + (replace ? 0 : 1);
    if (replace) history.replaceState({ idx }, '', path);
    else history.pushState({ idx }, '', path);
    this.route = parseRoute(location);
  }

  private readonly onPopState = () => {
    this.route = parseRoute(location);
  };

  private readonly onNavigate = (e: CustomEvent<NavigateDetail>) => {
    e.stopPropagation();
    this.navigate(e.detail.path, e.detail.replace);
  };

  private readonly onBack = () => {
    if ((history.state?.idx ?? 0) > 0) history.back();
    else this.navigate('/wall');
  };

  private readonly onLogout = () => {
    void logout();
  };

  private readonly onLang = (e: CustomEvent<{ lang: Lang }>) => setLang(e.detail.lang);

  /** In-app links: plain <a href="/…"> anywhere in the (shadow) tree navigate without a reload. */
  private readonly onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    e.preventDefault();
    this.navigate(a.pathname + a.search);
  };

  /** Session gate: anonymous users see the login page and come back to where they were. */
  protected override willUpdate(): void {
    const { status } = this.session.value;
    const route = this.route;
    if (status === 'anonymous' && route.name !== 'login') {
      const here = location.pathname + location.search;
      this.navigate(`/login?next=${encodeURIComponent(here)}`, true);
    } else if (status === 'authenticated' && route.name === 'login') {
      this.navigate(route.next, true);
    } else if (route.name === 'notfound') {
      this.navigate('/wall', true);
    } else if (status === 'authenticated' && this.session.value.user?.role === 'wall' && route.name !== 'wall' && route.name !== 'password') {
      this.navigate('/wall', true); // a wall-display account only watches the wall
    } else if (status === 'authenticated' && this.session.value.user?.role === 'guard' && route.name !== 'guard' && route.name !== 'password') {
      this.navigate('/guard', true); // a guard's phone only shows the dispatches sent to them
    }
    document.title = `${t('app.name')} ${t('app.subtitle')}`.trim();
  }

  private renderPage() {
    const r = this.route;
    const user = this.session.value.user;
    switch (r.name) {
      case 'wall':
        return html`<wp-wall-page .kiosk=${r.kiosk} .layout=${r.layout} .page=${r.page} .cycle=${r.cycle}></wp-wall-page>`;
      case 'camera':
        return html`<wp-camera-page .cameraId=${r.id}></wp-camera-page>`;
      case 'cameras':
        return html`<wp-cameras-page .user=${user}></wp-cameras-page>`;
      case 'rounds':
        return html`<wp-rounds-page .user=${user}></wp-rounds-page>`;
      case 'dutylog':
        return html`<wp-dutylog-page></wp-dutylog-page>`;
      case 'handover':
        return html`<wp-handover-page .user=${user}></wp-handover-page>`;
      case 'compliance':
        return html`<wp-compliance-page></wp-compliance-page>`;
      case 'review':
        return html`<wp-review-page .cameraId=${r.camera} .at=${r.t} .user=${user}></wp-review-page>`;
      case 'audit':
        return html`<wp-audit-page></wp-audit-page>`;
      case 'users':
        return html`<wp-users-page></wp-users-page>`;
      case 'password':
        return html`<wp-password-page></wp-password-page>`;
      case 'equipment':
        return html`<wp-equipment-page></wp-equipment-page>`;
      case 'nodes':
        return html`<wp-nodes-page></wp-nodes-page>`;
      case 'alarms':
        return html`<wp-alarms-page></wp-alarms-page>`;
      case 'guard':
        return html`<wp-guard-page .user=${user}></wp-guard-page>`;
      default:
        return nothing;
    }
  }

  override render() {
    const { status, user } = this.session.value;
    if (status === 'checking' || status === 'unreachable') {
      return html`<div class="splash ${status === 'unreachable' ? 'bad' : ''}" data-testid="splash">
        ${t(status === 'checking' ? 'app.loading' : 'app.serverUnreachable')}
      </div>`;
    }
    if (status === 'anonymous' || this.route.name === 'login') {
      const next = this.route.name === 'login' ? this.route.next : '/wall';
      return html`<wp-login-page .next=${next}></wp-login-page>`;
    }
    if (user?.mustChangePassword) {
      // an admin reset: nothing else until a new password is chosen
      return html`<main><wp-password-page forced></wp-password-page></main>`;
    }
    if (this.route.name === 'guard') return html`<main>${this.renderPage()}</main>`; // a phone: its own header, no console bar
    const kiosk = this.route.name === 'wall' && this.route.kiosk;
    return html`
      ${kiosk
        ? nothing
        : html`<wp-top-bar .user=${user} .active=${this.route.name} .connection=${this.cameras.value.connection}></wp-top-bar>`}
      <wp-storage-banner></wp-storage-banner>
      <main>${this.renderPage()}</main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wp-app': WpApp;
  }
}
