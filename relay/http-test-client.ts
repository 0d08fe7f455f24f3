// Test helpers for the relay's HTTP side: requests with node's http client (paths sent as
// written, any method and header) and raw TCP sockets that say exactly what a test wants.
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface HttpAnswer {
  status: number;
  type: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export function httpRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString(), headers: res.headers }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw TCP connection to the relay that records what comes back and when it closed. */
export class RawSocket {
  readonly socket: Socket;
  received = '';
  closedAt: number | null = null;
  readonly openedAt = Date.now();
  readonly closed: Promise<void>;
  readonly connected: Promise<boolean>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => (this.received += d));
    this.socket.on('error', () => {}); // a reset is one of the outcomes the tests look at
    this.connected = new Promise((resolve) => {
      this.socket.once('connect', () => resolve(true));
      this.socket.once('close', () => resolve(false));
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  get isClosed(): boolean {
    return this.closedAt !== null;
  }

  /** The status code of the first response line, or null. */
  get status(): number | null {
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(this.received);
    return m === null ? null : Number(m[1]);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
