// The model's public surface: pure derivations over TraceEvent[] (one host's trace, or several
// hosts' merged into one array) for the UI.
//
// Wiring a view to a live trace, cheaply:
//
//   const ix = indexFor(trace);              // incremental: reads only events appended since last time
//   ix.connections()                         // ConnectionInfo[] for a connection list / the log's filter
//   ix.path(key)                             // Transition[]    → <tcp-state-diagram .transitions>
//   ladderRows(ix, key)                      // Ladder          → <tcp-ladder .ladder>
//   ix.rows()                                // SegmentRow[]    → <tcp-packet-log .rows>
//   ix.row(selectedKey)                      // SegmentRow      → <tcp-packet-detail .row>
//   latestTcb(ix, key)?.tcb, ix.metrics(key) // TcbSnapshot, timers → <tcp-tcb-inspector>
//   timeSeries(ix, key)                      // ConnSeries      → <tcp-seq-graph>, <tcp-cwnd-graph>
//
// Each accessor returns the same object until something it depends on changed, so Lit's
// property change checks re-render only what moved. `key` is a ConnKey ("10.0.0.1#3").
export * from './keys.ts';
export * from './connections.ts';
export * from './segments.ts';
export * from './metrics.ts';
export * from './trace-index.ts';
export * from './pairing.ts';
export * from './ladder.ts';
export * from './labels.ts';
export * from './series.ts';
export * from './tcb.ts';
export * from './filter.ts';
export * from './scale.ts';
