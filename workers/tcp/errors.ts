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

export type Result<T> = { ok: true; value: T } | { ok: false; error: SocketError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: SocketErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}
