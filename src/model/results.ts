/**
 * What analysis writes back into the graph, so saved Cypher queries can read it.
 *
 * On every analysed workload: `exposed`, `exposureWidth` ('wide'|'narrow'|null),
 * `exposedPorts` (['tcp/443', 'udp/5000-5010', 'icmp']), the same three as
 * `previous…` from the run before, `exposureChangedAt` and the severity factors.
 * Attack paths are `AttackPath` nodes tagged with `resultVersion`; the
 * `AnalysisState` node names the version readers should use.
 */
export const ANALYSIS_STATE_ID = 'analysis-state';
