// Registers every element. Import this once; each file can also be imported on its own.
export { TcpStateDiagram } from './state-diagram.ts';
export { TcpLadder } from './ladder-diagram.ts';
export { TcpPacketLog } from './packet-log.ts';
export type { FilterChangeDetail } from './packet-log.ts';
export { TcpPacketDetail } from './packet-detail.ts';
export { TcpTcbInspector } from './tcb-inspector.ts';
export { TcpSeqGraph } from './seq-graph.ts';
export { TcpCwndGraph } from './cwnd-graph.ts';
export { theme } from './theme.ts';
export type { ThemeName } from './base.ts';
export type { SegmentSelectDetail, FieldSelectDetail } from './events.ts';
