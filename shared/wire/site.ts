/**
 * The site on the wire (issue K: times everywhere in the site's time zone). Types only, no imports: the server's
 * session answers (server/http/routes/session.ts) carry it, the console (web/src/data/site-time.ts) formats and
 * parses every time in `timeZone`, whatever zone the browser's PC is set to.
 */

/** The site a console is logged in to. */
export interface SiteView {
  /** IANA time zone of the site (config `site.timeZone`), e.g. Asia/Shanghai */
  timeZone: string;
}

/** GET /api/session, POST /api/session, POST /api/session/password. */
export interface SessionAnswer<U> {
  user: U;
  site: SiteView;
}
