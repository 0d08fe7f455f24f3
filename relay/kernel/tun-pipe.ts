// A TUN device held open by tun-helper.py: packets as 2-byte length-prefixed records over the
// helper's standard input and output. Node has no API for the TUNSETIFF ioctl; a short Python
// helper needs no native addon and no build step, and python3 is on every Linux that can run this.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inNamespace } from './netns.ts';

const HELPER = fileURLToPath(new URL('./tun-helper.py', import.meta.url));
const READY_TIMEOUT_MS = 10_000;
/** Bytes queued towards the helper beyond which packets to the kernel are dropped (a full NIC queue). */
const MAX_QUEUED_TO_KERNEL = 4 * 1024 * 1024;

export interface TunPipe {
  readonly device: string;
  /** Hand one IPv4 packet to the kernel; false when it was dropped (queue full or closed). */
  write(packet: Uint8Array): boolean;
  /** Ends the helper, which takes the device with it. */
  close(): void;
  /** Resolves when the helper has exited, with why. */
  readonly exited: Promise<string>;
  /** Packets dropped because the helper's queue was full. */
  readonly dropped: number;
}

export async function openTun(ns: string | null, device: string, onPacket: (packet: Uint8Array) => void, log: (line: string) => void): Promise<TunPipe> {
  const [cmd, ...args] = inNamespace(ns, ['python3', '-u', HELPER, device]);
  const child: ChildProcess = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let dropped = 0;
  let closed = false;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(`cannot start the TUN helper: ${e.message}`));
    child.once('exit', (code, signal) => resolve(signal !== null ? `TUN helper ended by ${signal}` : `TUN helper exited with ${code}`));
  });
  child.stdin!.on('error', () => {}); // the helper is gone: exited reports it

  let pending: Buffer = Buffer.alloc(0);
  child.stdout!.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 2) {
      const length = pending.readUInt16BE(at);
      if (pending.length - at - 2 < length) break;
      onPacket(new Uint8Array(pending.subarray(at + 2, at + 2 + length)));
      at += 2 + length;
    }
    pending = pending.subarray(at);
  });

  const ready = new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`the TUN helper did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      err += text;
      for (;;) {
        const nl = err.indexOf('\n');
        if (nl < 0) break;
        const line = err.slice(0, nl);
        err = err.slice(nl + 1);
        const m = /^ready (\S+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        } else if (line.trim() !== '') log(`tun: ${line}`);
      }
    });
    void exited.then((why) => {
      clearTimeout(timer);
      reject(new Error(`${why}${err.trim() ? `: ${err.trim()}` : ''}`));
    });
  });
  let name: string;
  try {
    name = await ready;
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    device: name,
    get dropped() {
      return dropped;
    },
    exited,
    write(packet) {
      if (closed || child.stdin!.writableLength > MAX_QUEUED_TO_KERNEL) {
        dropped++;
        return false;
      }
      const head = Buffer.alloc(2);
      head.writeUInt16BE(packet.length);
      child.stdin!.write(Buffer.concat([head, packet]));
      return true;
    },
    close() {
      if (closed) return;
      closed = true;
      child.stdin!.end();
      // The helper exits on end of input; make sure of it.
      setTimeout(() => child.kill('SIGKILL'), 1000).unref();
    },
  };
}
