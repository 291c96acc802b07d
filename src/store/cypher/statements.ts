/**
 * The Cypher the store runs. Labels and relationship types cannot be
 * parameters, so they come from the model's fixed kind lists only (kindLabel,
 * edgeType); every value is a parameter.
 *
 * Property merge matches the embedded store: new values win, null removes the
 * key (`SET n += map` does both), `firstSeen` is kept once set, `lastSeen` and
 * `generation` come from the stamp.
 */
import { EdgeKinds, NodeKinds } from '../../model/kinds.js';
import { ANALYSIS_STATE_ID } from '../../model/results.js';
import { StoreError, type SyncStamp } from '../graph-store.js';
import { kindLabel } from './dialect.js';
import type { Statement } from './transport.js';
import { cypherName, cypherString } from './values.js';

export function edgeType(kind: string): string {
  if (!(EdgeKinds as readonly string[]).includes(kind)) throw new StoreError(`${JSON.stringify(kind)} is not an edge kind reachgraph knows.`);
  return kind;
}

const stampSet = (variable: string) =>
  `SET ${variable}.firstSeen = coalesce(firstSeen, $stamp.seenAt), ${variable}.lastSeen = $stamp.seenAt, ${variable}.generation = $stamp.generation`;

const stampParams = (stamp: SyncStamp | undefined) => (stamp ? { stamp: { seenAt: stamp.seenAt, generation: stamp.generation } } : {});

/**
 * Moves nodes that exist under another kind to this one (their other kind
 * label removed). Rare, and cheap when nothing matches; it lets
 * `upsertNodes` merge on both labels, because adding a label to a node is
 * slow on FalkorDB (20k new nodes: 3.8 s with `SET n:Kind` after the MERGE,
 * 0.4 s merging `(n:Entity:Kind {id})`).
 */
export function retypeNodes(kind: string, ids: string[]): Statement {
  const label = kindLabel(kind);
  const others = NodeKinds.filter((other) => other !== kind).map(kindLabel);
  return {
    text: [
      'UNWIND $ids AS id',
      'MATCH (n:Entity {id: id})',
      'WHERE n.kind IS NULL OR n.kind <> $kind',
      `REMOVE n:${others.join(':')}`,
      `SET n:${label}, n.kind = $kind`,
      'RETURN count(n) AS retyped',
    ].join('\n'),
    params: { ids, kind },
    purpose: `changing ${ids.length} node(s) to ${kind}`,
  };
}

/** Rows `{id, properties}` of one kind, merged by id on `:Entity:<Kind>` (run retypeNodes first). */
export function upsertNodes(kind: string, rows: Array<{ id: string; properties: Record<string, unknown> }>, stamp: SyncStamp | undefined): Statement {
  return {
    text: [
      'UNWIND $rows AS row',
      `MERGE (n:Entity:${kindLabel(kind)} {id: row.id})`,
      'WITH n, row, n.firstSeen AS firstSeen',
      'SET n += row.properties, n.kind = $kind',
      ...(stamp ? [stampSet('n')] : []),
      'RETURN count(n) AS written',
    ].join('\n'),
    params: { rows, kind, ...stampParams(stamp) },
    purpose: `writing ${rows.length} ${kind} node(s)`,
  };
}

/** Rows `{i, source, target, properties}` of one edge kind; returns the `i` of each row written (the others miss an end). */
export function upsertEdges(
  kind: string,
  rows: Array<{ i: number; source: string; target: string; properties: Record<string, unknown> }>,
  stamp: SyncStamp | undefined,
): Statement {
  return {
    text: [
      'UNWIND $rows AS row',
      'MATCH (s:Entity {id: row.source})',
      'MATCH (t:Entity {id: row.target})',
      `MERGE (s)-[r:${edgeType(kind)}]->(t)`,
      'WITH r, row, r.firstSeen AS firstSeen',
      'SET r += row.properties',
      ...(stamp ? [stampSet('r')] : []),
      'RETURN row.i AS i',
    ].join('\n'),
    params: { rows, ...stampParams(stamp) },
    purpose: `writing ${rows.length} ${kind} edge(s)`,
  };
}

export const getNode = (id: string): Statement => ({
  // Two AttackPath nodes may share an id while FalkorDB swaps result versions: the newest wins.
  text: 'MATCH (n:Entity {id: $id}) RETURN n.kind AS kind, properties(n) AS properties ORDER BY coalesce(n.resultVersion, 0) DESC LIMIT 1',
  params: { id },
  purpose: `reading node ${id}`,
});

export function neighbours(id: string, kinds: readonly string[] | undefined): Statement {
  const filter = kinds ? 'WHERE type(r) IN $kinds ' : '';
  const columns = 'm.id AS id, m.kind AS kind, properties(m) AS properties, type(r) AS edgeKind, properties(r) AS edgeProperties';
  return {
    text: [
      `MATCH (n:Entity {id: $id})-[r]->(m:Entity) ${filter}RETURN 'out' AS direction, ${columns}`,
      'UNION ALL',
      `MATCH (n:Entity {id: $id})<-[r]-(m:Entity) ${filter}RETURN 'in' AS direction, ${columns}`,
    ].join('\n'),
    params: { id, ...(kinds ? { kinds: kinds.map(edgeType) } : {}) },
    purpose: `reading the neighbours of ${id}`,
  };
}

export const readNodes: Statement = {
  text: 'MATCH (n:Entity) RETURN n.id AS id, n.kind AS kind, properties(n) AS properties',
  purpose: 'reading the graph’s nodes',
};

export const readEdges: Statement = {
  text: 'MATCH (s:Entity)-[r]->(t:Entity) RETURN s.id AS source, type(r) AS kind, t.id AS target, properties(r) AS properties',
  purpose: 'reading the graph’s edges',
};

export const countNodesByKind: Statement = {
  text: 'MATCH (n:Entity) RETURN n.kind AS kind, count(n) AS count',
  purpose: 'counting nodes by kind',
};

/**
 * Takes the lock when it is absent, expired or already ours, in one statement:
 * atomic on FalkorDB (writes are serialised per graph) and on Neo4j (the
 * unique constraint on IngestLock.scope makes concurrent MERGEs meet on one
 * node; touching it first takes its write lock before the holder is read).
 */
export function acquireLock(scope: string, holder: string, now: number, ttlMs: number): Statement {
  const expiresAt = now + ttlMs;
  return {
    text: [
      'MERGE (l:IngestLock {scope: $scope})',
      'ON CREATE SET l.holder = $holder, l.expiresAtMs = $expiresAt, l.expiresAt = $expiresAtText',
      'SET l.touchedAt = $now',
      'WITH l, (l.holder = $holder OR l.expiresAtMs <= $now) AS ours',
      'SET l.holder = CASE WHEN ours THEN $holder ELSE l.holder END,',
      '    l.expiresAtMs = CASE WHEN ours THEN $expiresAt ELSE l.expiresAtMs END,',
      '    l.expiresAt = CASE WHEN ours THEN $expiresAtText ELSE l.expiresAt END',
      'RETURN l.holder AS holder, l.expiresAt AS expiresAt',
    ].join('\n'),
    params: { scope, holder, now, expiresAt, expiresAtText: new Date(expiresAt).toISOString() },
    purpose: `taking the ingest lock of ${scope}`,
  };
}

export const lockHolderOf = (scope: string): Statement => ({
  text: 'MATCH (l:IngestLock {scope: $scope}) RETURN l.holder AS holder',
  params: { scope },
  purpose: `reading the ingest lock of ${scope}`,
});

/** Removes the lock whoever holds it (`holder` null) or only if `holder` still does. */
export const breakLock = (scope: string, holder: string | null): Statement => ({
  text: 'MATCH (l:IngestLock {scope: $scope}) WHERE $holder IS NULL OR l.holder = $holder DELETE l RETURN count(*) AS removed',
  params: { scope, holder },
  purpose: `removing the ingest lock of ${scope}`,
});

export const releaseLock = (scope: string, holder: string): Statement => ({
  text: 'MATCH (l:IngestLock {scope: $scope}) WHERE l.holder = $holder DELETE l',
  params: { scope, holder },
  purpose: `releasing the ingest lock of ${scope}`,
});

const STALE = 'x.syncFamily IN $families AND x.syncScope = $scope AND x.generation < $generation';

/**
 * Stale relationships are found from the scope's nodes (the syncScope index)
 * rather than by scanning every relationship: each edge a family writes
 * touches the resource being transformed, which lies in the edge's scope. A
 * full scan per (family, scope) made a 100k-entity ingest spend minutes in
 * cleanups that found nothing.
 */
const SCOPE_NODES = 'MATCH (n:Entity) WHERE n.syncScope = $scope';

interface StaleParams {
  families: string[];
  scope: string;
  generation: number;
  batch: number;
}

/** One batch of the family's own stale relationships. */
export const removeStaleEdges = (params: StaleParams): Statement => ({
  text: `${SCOPE_NODES} MATCH (n)-[x]-() WHERE ${STALE} WITH DISTINCT x LIMIT $batch DELETE x RETURN count(x) AS removed`,
  params: { ...params },
  purpose: `removing stale ${params.families.join(', ')} edges in ${params.scope}`,
});

/** One batch of the relationships still attached to the family's stale nodes (other families' edges to them). */
export const removeEdgesOfStaleNodes = (params: StaleParams): Statement => ({
  text: `MATCH (x:Entity) WHERE x.syncScope = $scope AND ${STALE} MATCH (x)-[r]-() WITH DISTINCT r LIMIT $batch DELETE r RETURN count(r) AS removed`,
  params: { ...params },
  purpose: `removing edges of stale ${params.families.join(', ')} nodes in ${params.scope}`,
});

export const removeStaleNodes = (params: StaleParams): Statement => ({
  text: `MATCH (x:Entity) WHERE x.syncScope = $scope AND ${STALE} WITH x LIMIT $batch DETACH DELETE x RETURN count(x) AS removed`,
  params: { ...params },
  purpose: `removing stale ${params.families.join(', ')} nodes in ${params.scope}`,
});

export interface PathRow {
  id: string;
  entryId: string;
  targetId: string;
  hops: string[];
  hopCount: number;
  properties: Record<string, unknown>;
}

/**
 * New AttackPath nodes tagged with the version, linked to their entry, target
 * and hops in order; a path with an end or hop the graph lacks is left out
 * (as the embedded store does).
 */
export const createAttackPaths = (rows: PathRow[], version: number): Statement => ({
  text: [
    'UNWIND $rows AS p',
    'MATCH (entry:Entity {id: p.entryId})',
    'MATCH (target:Entity {id: p.targetId})',
    // One index lookup per hop: `hop.id IN p.hops` would scan every node for every path.
    'UNWIND p.hops AS hopId',
    'OPTIONAL MATCH (hop:Entity {id: hopId})',
    'WITH p, entry, target, count(DISTINCT hop.id) AS found',
    'WHERE found = p.hopCount',
    'CREATE (a:Entity:AttackPath {id: p.id})',
    'SET a += p.properties, a.kind = $kind, a.resultVersion = $version',
    'CREATE (a)-[:STARTS_AT]->(entry)',
    'CREATE (a)-[:TARGETS]->(target)',
    'WITH a, p',
    'UNWIND range(0, size(p.hops) - 1) AS position',
    'MATCH (hop:Entity {id: p.hops[position]})',
    'MERGE (a)-[via:VIA]->(hop)',
    'SET via.order = position',
    'RETURN count(DISTINCT a) AS written',
  ].join('\n'),
  params: { rows, version, kind: 'AttackPath' },
  purpose: `writing ${rows.length} attack path(s)`,
});

/** Sets analysis results on the assets that exist (null removes a property). */
export const setAssetResults = (rows: Array<{ id: string; properties: Record<string, unknown> }>): Statement => ({
  text: 'UNWIND $rows AS a MATCH (n:Entity {id: a.id}) SET n += a.properties RETURN count(n) AS written',
  params: { rows },
  purpose: `writing analysis results on ${rows.length} asset(s)`,
});

const stateMerge = [
  'MERGE (s:Entity {id: $stateId})',
  'SET s:AnalysisState, s.kind = $stateKind, s.currentVersion = $version, s.computedAt = $computedAt',
];

export const setAnalysisState = (version: number, computedAt: string): Statement => ({
  text: [...stateMerge, 'RETURN s.currentVersion AS version'].join('\n'),
  params: { stateId: ANALYSIS_STATE_ID, stateKind: 'AnalysisState', version, computedAt },
  purpose: 'pointing AnalysisState to the new results',
});

/**
 * FalkorDB's results, staged: one `:PendingResult` node per asset (not an
 * `:Entity`, so no reader sees it) holding the new values under `v_<key>` and
 * the keys the result mentions (a null value removes its key, as everywhere).
 */
export interface StagedRow {
  id: string;
  keys: string[];
  values: Record<string, unknown>;
}

export const stagedRow = ({ id, properties }: { id: string; properties: Record<string, unknown> }): StagedRow => ({
  id,
  keys: Object.keys(properties),
  values: Object.fromEntries(Object.entries(properties).map(([key, value]) => [`v_${key}`, value])),
});

export const stageAssetResults = (rows: StagedRow[], version: number): Statement => ({
  text: 'UNWIND $rows AS a CREATE (r:PendingResult) SET r += a.values, r.assetId = a.id, r.keys = a.keys, r.resultVersion = $version RETURN count(r) AS staged',
  params: { rows, version },
  purpose: `staging analysis results of ${rows.length} asset(s)`,
});

/**
 * FalkorDB's switch-over, in one statement so readers see the old results or
 * the new ones: every staged asset takes its new values (the keys it
 * mentions; the others stay), and AnalysisState points to the new version.
 * The statement names each result key, so it stays small however many
 * assets there are.
 */
export function applyStagedResults(keys: readonly string[], version: number, computedAt: string): Statement {
  const assignments = keys.map((key) => {
    const name = cypherName(key);
    return `n.${name} = CASE WHEN ${cypherString(key)} IN r.keys THEN r.${cypherName(`v_${key}`)} ELSE n.${name} END`;
  });
  return {
    text: [
      'OPTIONAL MATCH (r:PendingResult {resultVersion: $version})',
      'OPTIONAL MATCH (n:Entity {id: r.assetId})',
      ...(assignments.length > 0 ? [`FOREACH (_ IN CASE WHEN n IS NULL THEN [] ELSE [1] END | SET ${assignments.join(', ')})`] : []),
      'WITH count(*) AS assets',
      ...stateMerge,
      'RETURN s.currentVersion AS version',
    ].join('\n'),
    params: { version, stateId: ANALYSIS_STATE_ID, stateKind: 'AnalysisState', computedAt },
    purpose: `switching assets and AnalysisState to results version ${version}`,
  };
}

/** One batch of staged results (left over from a run that stopped, or applied). */
export const removePendingResults = (batch: number): Statement => ({
  text: 'MATCH (r:PendingResult) WITH r LIMIT $batch DELETE r RETURN count(r) AS removed',
  params: { batch },
  purpose: 'removing staged analysis results',
});

/** One batch of attack paths of versions older than `version` (all of them when it is null). */
export const removeAttackPaths = (version: number | null, batch: number): Statement => ({
  text:
    version === null
      ? 'MATCH (p:AttackPath) WITH p LIMIT $batch DETACH DELETE p RETURN count(p) AS removed'
      : 'MATCH (p:AttackPath) WHERE p.resultVersion IS NULL OR p.resultVersion < $version WITH p LIMIT $batch DETACH DELETE p RETURN count(p) AS removed',
  params: version === null ? { batch } : { version, batch },
  purpose: 'removing attack paths of earlier results',
});
