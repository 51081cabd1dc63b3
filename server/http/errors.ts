import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../util/errors.ts';
import { createLogger } from '../util/log.ts';
import { fieldsFromMessage, fieldsFromZod } from './error-fields.ts';

const log = createLogger('http');

/** zod issues → one readable line: "url: must be an rtsp:// URL; name: too short". */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const path = i.path.map(String).join('.');
      if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}

/** Parse a request body with a zod schema or throw a 400 AppError. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError(400, 'invalid_request', 'expected a JSON object body (Content-Type: application/json)');
  }
  const r = schema.safeParse(body);
  if (!r.success) throw new AppError(400, 'invalid_request', describeZodError(r.error), {}, { fields: fieldsFromZod(r.error) });
  return r.data;
}

export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no such endpoint: ${req.method} ${req.path}`, params: { what: 'endpoint', method: req.method, path: req.path } } });
};

/** The one place where request errors are turned into JSON and logged. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
    // a route's own 400 ("note: describe the anomaly") gets its problems as codes too (error-fields.ts)
    const fields = err.status === 400 && !err.details.fields && (err.code === 'invalid_request' || err.code === 'weak_password') ? { fields: fieldsFromMessage(err.message) } : {};
    res.status(err.status).json({ error: { ...err.details, ...fields, code: err.code, message: err.message } });
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'invalid_json', message: 'request body is not valid JSON' } });
    return;
  }
  if (e.type === 'entity.too.large') {
    res.status(413).json({ error: { code: 'too_large', message: 'request body too large' } });
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request' } });
    return;
  }
  log.error('request failed', { method: req.method, path: req.path, err });
  res.status(500).json({ error: { code: 'internal', message: 'internal error (see the server log)' } });
};
