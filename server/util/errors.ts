/** An error meant for the client: an HTTP status, a stable code and a human message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** extra members of the error body, e.g. the segments a 409 footage_tampered names, and its `params` */
    readonly details: { params?: ErrorParams; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * What a client needs to say an error in its own language: every value its English message embeds (e.g. {name}
 * of what exists, {id} of the round), sent as error.params. `what` names the kind of thing where one code covers
 * several (not_found: camera, alarm, round…). The console's texts: web/src/i18n/errors*.ts.
 */
export type ErrorParams = Record<string, string | number>;

const withParams = (params: ErrorParams | undefined) => (params ? { params } : {});

export const badRequest = (message: string, code = 'invalid_request', params?: ErrorParams) => new AppError(400, code, message, {}, withParams(params));
export const notFound = (message = 'not found', params?: ErrorParams) => new AppError(404, 'not_found', message, {}, withParams(params));
export const conflict = (message: string, code = 'conflict', params?: ErrorParams) => new AppError(409, code, message, {}, withParams(params));
export const forbidden = (message = 'your role may not do this', params?: ErrorParams) => new AppError(403, 'forbidden', message, {}, withParams(params));
export const unauthenticated = (message = 'log in first', params?: ErrorParams) => new AppError(401, 'unauthenticated', message, {}, withParams(params));
