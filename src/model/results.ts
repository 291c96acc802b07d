/**
 * What analysis writes back into the graph, so saved Cypher queries can read it.
 *
 * On every analysed workload: `exposed`, `exposureWidth` ('wide'|'narrow'|null),
 * `exposedPorts` (['tcp/443', 'udp/5000-5010', 'icmp']), the same three as
 * `previous…` from the run before, `exposureChangedAt` and the severity factors:
 * `factorAdminPortsExposed` (['tcp/22', …]), `factorIdentityPrivilege`
 * (owner|user-access-admin|contributor|data|other|reader|none),
 * `factorCrownJewelsReachable` (count), `severityScore` (0–10) and `severity`
 * (critical|high|medium|low|none); formula in analysis/severity.ts.
 * An AttackPath node carries `length`, `entryWidth`, `entryPorts`, `roleName`,
 * `privilege`, `targetKind`, `targetReason`, `severity`, `score` and the ids of
 * its identity, scope and role assignment (analysis/attack-paths.ts).
 * Attack paths are `AttackPath` nodes tagged with `resultVersion`; the
 * `AnalysisState` node names the version readers should use.
 */
export const ANALYSIS_STATE_ID = 'analysis-state';
