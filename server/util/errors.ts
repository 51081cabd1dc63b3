/** An error meant for the client: an HTTP status, a stable code and a human message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** extra members of the error body, e.g. the segments a 409 footage_tampered names */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new AppError(400, code, message);
export const notFound = (message = 'not found') => new AppError(404, 'not_found', message);
/** `params`: what a client needs to say it in its own language (e.g. {name} of what exists), sent as error.params. */
export const conflict = (message: string, code = 'conflict', params?: Record<string, string | number>) => new AppError(409, code, message, {}, params ? { params } : {});
export const forbidden = (message = 'your role may not do this') => new AppError(403, 'forbidden', message);
export const unauthenticated = (message = 'log in first') => new AppError(401, 'unauthenticated', message);
