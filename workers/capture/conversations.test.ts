// The conversation list (like Wireshark's Statistics → Conversations → TCP) and its filter, on
// a capture joining several fixtures' packets; and the entry's result survives structuredClone.
import { describe, expect, it } from 'vitest';
import { filterConversations } from './conversations.ts';
import { openCapture } from './open-capture.ts';
import { fixture, framesOf, pcapngFile } from './test-files.ts';

const names = ['handshake-close.pcap', 'rst-refused.pcap', 'keep-alive.pcap', 'ipv6.pcap'];
const all = names.flatMap((n) => framesOf(fixture(n)));
const merged = pcapngFile(
  all.map((f) => ({ data: f.data, length: f.length, time: f.time })).sort((x, y) => x.time - y.time),
  { little: true, interfaces: [{ linkType: 1, tsresol: 9 }] },
);
const report = openCapture(merged);

describe('conversations', () => {
  it('lists each connection with endpoints, packets and bytes each way, start, duration, opening and ending', () => {
    expect(report.conversations.map((c) => `${c.b.port} ${c.opening} / ${c.ending}`)).toEqual([
      '5001 handshake / FIN both ways',
      '5002 refused / RST',
      '5004 handshake / FIN both ways',
      '5006 handshake / FIN both ways',
    ]);
    const hs = report.conversations[0]!;
    const frames = framesOf(fixture('handshake-close.pcap'));
    expect(hs.packets).toBe(11);
    expect(hs.packetsAtoB + hs.packetsBtoA).toBe(11);
    expect(hs.bytesAtoB + hs.bytesBtoA).toBe(frames.reduce((n, f) => n + f.length, 0));
    expect(hs.start).toBeCloseTo(frames[0]!.time, 5);
    expect(hs.duration).toBeCloseTo(frames[10]!.time - frames[0]!.time, 5);
    expect(report.conversations[3]).toMatchObject({ ipVersion: 6, a: { address: '::1' } });
  });

  it('filters by port, address, how it began or ended, and free text; terms combine', () => {
    const ports = (q: string) => filterConversations(report.conversations, q).map((c) => c.b.port);
    expect(ports('port:5002')).toEqual([5002]);
    expect(ports('addr:::1')).toEqual([5006]);
    expect(ports('addr:127.0.0.1')).toEqual([5001, 5002, 5004]);
    expect(ports('ended:rst')).toEqual([5002]);
    expect(ports('began:handshake addr:127.0.0.1')).toEqual([5001, 5004]);
    expect(ports('refused')).toEqual([5002]);
    expect(ports(':5004')).toEqual([5004]);
    expect(ports('')).toEqual([5001, 5002, 5004, 5006]);
    expect(ports('port:9')).toEqual([]);
  });

  it('gives the page plain data: structuredClone keeps it whole', () => {
    expect(structuredClone(report)).toEqual(report);
  });

  it('a SYN reusing a closed connection\'s ports starts a new conversation', () => {
    const hs = framesOf(fixture('handshake-close.pcap'));
    const twice = [...hs, ...hs.map((f) => ({ ...f, time: f.time + 10 }))];
    // The replayed SYN carries the same ISN, so it is the same connection retransmitted…
    const same = openCapture(pcapngFile(twice, { little: true, interfaces: [{ linkType: 1 }] }));
    expect(same.conversations).toHaveLength(1);
    // …while a new ISN after both FINs is a new connection (a new tcp.stream in Wireshark).
    const again = hs.map((f) => {
      const data = f.data.slice();
      data[14 + 20 + 4] = data[14 + 20 + 4]! ^ 0x80; // flip a high bit of each seq (a new ISN)
      return { ...f, data, time: f.time + 10 };
    });
    const two = openCapture(pcapngFile([...hs, ...again], { little: true, interfaces: [{ linkType: 1 }] }));
    expect(two.conversations).toHaveLength(2);
  });
});
