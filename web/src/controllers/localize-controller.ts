import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { onLangChange } from '../i18n';
import { onSiteTimeZoneChange } from '../data/site-time';

/** Re-renders the host when the console language, or the site's time zone it shows times in, changes. */
export class LocalizeController implements ReactiveController {
  private unsubscribe?: () => void;
  private unsubscribeZone?: () => void;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = onLangChange(() => this.host.requestUpdate());
    this.unsubscribeZone = onSiteTimeZoneChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribeZone?.();
  }
}
