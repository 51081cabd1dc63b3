import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { onLangChange } from '../i18n';

/** Re-renders the host when the console language changes. */
export class LocalizeController implements ReactiveController {
  private unsubscribe?: () => void;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe = onLangChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
  }
}
