import type { GraphStore } from '../graph-store.js';
import type { DialectName } from './dialect.js';
import type { ReadQueryOptions, ReadQueryResult } from './transport.js';

/** A graph store that also runs callers' Cypher (saved queries): the Neo4j and FalkorDB stores. */
export interface CypherStore extends GraphStore {
  readonly dialect: DialectName;
  /**
   * Runs a read-only query with a timeout, returning at most `rowLimit` rows
   * (`truncated` says when there were more). Values are plain JSON: nodes as
   * `{id, kind, labels, properties}`, relationships as `{kind, start, end,
   * properties}`, paths as `{nodes, relationships}`, integers as numbers.
   */
  runReadQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult>;
}

export function isCypherStore(store: GraphStore): store is CypherStore {
  const candidate = store as Partial<CypherStore>;
  return typeof candidate.runReadQuery === 'function' && (candidate.dialect === 'neo4j' || candidate.dialect === 'falkordb');
}
