// Errors a user of the socket API sees. Codes follow the BSD names students meet elsewhere;
// messages say what happened on the wire.
export type SocketErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'ETIMEDOUT'
  | 'EADDRINUSE'
  | 'ENOTCONN'
  | 'EINVAL'
  | 'EPIPE'
  | 'EISCONN'
  | 'ENOBUFS'
  | 'EBADF'
  | 'ECONNABORTED';

export interface SocketError {
  code: SocketErrorCode;
  message: string;
}

/**
 * What a call that can be refused returns: its value, or a code a user knows and a message that
 * says why. The core's codes are the default; the worker's ApiResult is the same shape with its
 * own wider set of codes, built with the same two helpers.
 */
export type Result<T, C extends string = SocketErrorCode> = { ok: true; value: T } | { ok: false; error: { code: C; message: string } };

export function ok<T, C extends string = SocketErrorCode>(value: T): Result<T, C> {
  return { ok: true, value };
}

export function fail<T = never, C extends string = SocketErrorCode>(code: C, message: string): Result<T, C> {
  return { ok: false, error: { code, message } };
}
