/** A URL safe to log or show (MQTT broker, PostgreSQL database): the password replaced by "***". */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@\s]*):[^@/\s]*@/, '//$1:***@');
  }
}
