import { describe, expect, it } from 'vitest';
import type { TcpSegment } from './types.ts';
import { Flag } from './types.ts';
import { flagNames, summarize } from './describe.ts';
import { FIXTURES } from './test-fixtures.ts';

const seg = (over: Partial<TcpSegment>): TcpSegment => ({
  srcPort: 49152,
  dstPort: 80,
  seq: 0,
  ack: 0,
  flags: 0,
  window: 65535,
  urgent: 0,
  options: {},
  payload: new Uint8Array(0),
  ...over,
});

describe('flagNames', () => {
  it('names the flags in the order a student reads them', () => {
    expect(flagNames(Flag.SYN)).toBe('SYN');
    expect(flagNames(Flag.SYN | Flag.ACK)).toBe('SYN,ACK');
    expect(flagNames(Flag.FIN | Flag.ACK)).toBe('FIN,ACK');
    expect(flagNames(Flag.RST | Flag.ACK)).toBe('RST,ACK');
    expect(flagNames(Flag.PSH | Flag.ACK)).toBe('PSH,ACK');
    expect(flagNames(0xff)).toBe('SYN,FIN,RST,PSH,ACK,URG,ECE,CWR');
    expect(flagNames(Flag.SYN | Flag.ECE | Flag.CWR)).toBe('SYN,ECE,CWR');
    expect(flagNames(0)).toBe('');
  });
});

describe('summarize', () => {
  it('writes a SYN like the Info column', () => {
    const syn = seg({ seq: 12345, flags: Flag.SYN, options: { mss: 1460, sackPermitted: true, windowScale: 7 } });
    expect(summarize(syn, { relativeTo: { seq: 12345, ack: 0 } })).toBe('49152 → 80 [SYN] seq=0 win=65535 len=0 MSS=1460 SACK_PERM WS=7');
  });

  it('shows ack only with ACK set, and relative numbers across the wrap', () => {
    const data = seg({ seq: 5, ack: 0xfffffff0 + 17, flags: Flag.PSH | Flag.ACK, window: 502, payload: new Uint8Array(100) });
    expect(summarize(data, { relativeTo: { seq: 0xfffffffe, ack: 0xfffffff0 } })).toBe('49152 → 80 [PSH,ACK] seq=7 ack=17 win=502 len=100');
    expect(summarize(data)).toBe('49152 → 80 [PSH,ACK] seq=5 ack=1 win=502 len=100');
  });

  it('describes the fixtures', () => {
    const [syn, synAck, , , , rst, sack] = FIXTURES.map((f) => f.packet.tcp);
    const client = 0xde164209;
    const server = 0x15fb1c2a;
    expect(summarize(syn!, { relativeTo: { seq: client, ack: server } })).toBe(
      '49152 → 80 [SYN] seq=0 win=65535 len=0 MSS=1460 SACK_PERM TSval=3130338133 TSecr=0 WS=7',
    );
    expect(summarize(synAck!, { relativeTo: { seq: server, ack: client } })).toBe(
      '80 → 49152 [SYN,ACK] seq=0 ack=1 win=65535 len=0 MSS=1460 SACK_PERM TSval=1706027995 TSecr=3130338133 WS=7',
    );
    expect(summarize(rst!, { relativeTo: { seq: server, ack: client } })).toBe(
      '80 → 49152 [RST,ACK] seq=1 ack=20 win=32761 len=0 TSval=1706028296 TSecr=3130338334',
    );
    // Same numbers tshark printed for this packet: SLE=2049 SRE=3501 SLE=4953 SRE=6405.
    expect(summarize(sack!, { relativeTo: { seq: server, ack: client } })).toBe(
      '80 → 49152 [ACK] seq=1 ack=1 win=32761 len=0 TSval=1706028048 TSecr=3130338144 SLE=2049 SRE=3501 SLE=4953 SRE=6405',
    );
  });

  it('shows <None> and the urgent pointer when there is one', () => {
    expect(summarize(seg({}))).toBe('49152 → 80 [<None>] seq=0 win=65535 len=0');
    expect(summarize(seg({ flags: Flag.URG | Flag.ACK, urgent: 3 }))).toBe('49152 → 80 [ACK,URG] seq=0 ack=0 win=65535 len=0 urp=3');
  });
});
