// The seam for hosts that live inside the relay process rather than behind a WebSocket: the
// bots (echo, discard, daytime, chargen, http) and an in-process terminal peer. They attach to
// a room, get an address and hostname like any client, and exchange the same frames.
import type { HostInfo, ServerMessage } from './protocol/messages.ts';
import type { RelayDropReason } from './protocol/drop-reasons.ts';

export interface VirtualHostSpec {
  /** Display name, checked like a client's (1–40 printable characters); the hostname is
   *  derived from it and made unique in the room ("echo", or "echo-2" if taken). */
  name: string;
  /** How it is listed to others. Default 'bot'. */
  kind?: 'bot' | 'peer';
  /** The address it wants ("10.0.0.7" or the number). Without it the lowest free address of
   *  the bot range 10.0.0.1–10.0.0.254 is taken. attachVirtualHost throws when the wanted
   *  address is taken or outside 10.0.0.0/16. */
  preferredAddress?: string | number;
  /**
   * A frame (one IPv4 packet) addressed to this host. Called from a later turn of the event
   * loop than the send that produced it, never from inside `send`, in arrival order. The bytes
   * are shared with the relay (and the pcap tap): read them, copy before changing them.
   */
  deliver(frame: Uint8Array): void;
  /** The JSON messages a WebSocket client would get (welcome, host-joined, host-left,
   *  unreachable, dropped), queued in order with the frames. */
  notify?(message: ServerMessage): void;
  /** The host is out of the room: it called leave(), or the room ended (its last client left,
   *  or the relay closed). No deliver or notify follows. */
  detached?(): void;
}

/** 'forwarded', or why the frame was dropped ('receiver-gone' also when the sending virtual host
 *  itself has left or its room has ended). */
export type SendResult = 'forwarded' | RelayDropReason;

export interface VirtualHostHandle {
  /** Dotted quad. */
  readonly address: string;
  readonly addressNumber: number;
  readonly hostname: string;
  readonly room: string;
  /**
   * Send one IPv4 packet into the room. It is checked like a client's frame (header, checksum,
   * protocol, source address = this host's, MTU) but not rate limited: bots are trusted to
   * pace themselves, and the receiver's queue bound still protects memory. The relay keeps the
   * bytes until they are written out: do not change them after sending.
   */
  send(frame: Uint8Array): SendResult;
  /** Leave the room (idempotent); everyone is told. */
  leave(): void;
}

export interface RoomApi {
  /** The room's name (lowercase). */
  readonly name: string;
  readonly mtu: number;
  /** Everyone in the room now, in joining order. */
  hosts(): HostInfo[];
  attachVirtualHost(spec: VirtualHostSpec): VirtualHostHandle;
  /** Called once when the room ends (after its virtual hosts were detached). */
  onEnd(listener: () => void): void;
}
