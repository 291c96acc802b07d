import type { GraphStore } from '../store/graph-store.js';
import { writeClauseIn } from '../store/cypher/read-only.js';
import { bindParameters, type SavedQuery, SavedQueryError } from './saved-query.js';

export interface QueryLimits {
  timeoutMs: number;
  rowLimit: number;
}

export const DEFAULT_LIMITS: QueryLimits = { timeoutMs: 30_000, rowLimit: 10_000 };

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when the row limit cut the result. */
  truncated: boolean;
}

/** A store that runs Cypher: the Bolt stores. */
interface ReadQueryRunner {
  runReadQuery(text: string, params: Record<string, unknown>, options: QueryLimits): Promise<QueryResult>;
}

export function canRunCypher(store: GraphStore): store is GraphStore & ReadQueryRunner {
  return typeof (store as Partial<ReadQueryRunner>).runReadQuery === 'function';
}

export interface SavedQueryRun extends QueryResult {
  query: string;
  parameters: Record<string, unknown>;
  durationMs: number;
}

/** Runs a saved query read-only, with its parameters checked against its header. */
export async function runSavedQuery(
  store: GraphStore,
  query: SavedQuery,
  given: Record<string, unknown>,
  options: { fromText?: boolean; limits?: Partial<QueryLimits> } = {},
): Promise<SavedQueryRun> {
  if (!canRunCypher(store)) {
    throw new SavedQueryError(
      `Saved queries are Cypher and need a graph database (Neo4j or FalkorDB), not ${store.location}. ` +
        `Pass --store bolt://host:7687 (Neo4j) or falkordb://host:6379, or set NEO4J_URI (docker compose up starts Neo4j).`,
      'store',
    );
  }
  const write = writeClauseIn(query.text);
  if (write) throw new SavedQueryError(`${query.file} contains ${write}: saved queries may only read.`, 'read-only');
  const parameters = bindParameters(query, given, options.fromText ?? false);
  const started = performance.now();
  const result = await store.runReadQuery(query.text, parameters, { ...DEFAULT_LIMITS, ...options.limits });
  return { query: query.name, parameters, ...result, durationMs: Math.round(performance.now() - started) };
}
