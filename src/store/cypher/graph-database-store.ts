/**
 * The graph store on a Cypher database: Neo4j 5 over Bolt, or FalkorDB over
 * its own protocol or its Bolt endpoint (dialect.ts lists every difference).
 *
 * Every node carries the labels `:Entity:<Kind>` and the properties `id` and
 * `kind`; every edge is a relationship whose type is the edge kind. Ingest
 * locks are `:IngestLock {scope}` nodes, which are not entities and so never
 * appear in readGraph.
 */
import type { GraphBatch, GraphEdge, GraphNode, Properties, PropertyValue } from '../../model/graph.js';
import { edgeKey } from '../../model/graph.js';
import type { EdgeKind, NodeKind } from '../../model/kinds.js';
import {
  type AnalysisResults,
  IngestLockedError,
  StoreError,
  type Neighbour,
  type RemovedCounts,
  type StaleSelector,
  type SyncStamp,
} from '../graph-store.js';
import { BoltTransport } from './bolt-transport.js';
import { type ConnectionConfig, parseConnectionConfig } from './config.js';
import type { CypherStore } from './cypher-store.js';
import { DIALECTS, type DialectName, kindLabel } from './dialect.js';
import { FalkorDBTransport } from './falkordb-transport.js';
import * as cypher from './statements.js';
import type { CypherTransport, ReadQueryOptions, ReadQueryResult, Row, Statement, StatementRunner } from './transport.js';
import { cypherLiteral } from './values.js';
import { decodeProperties, encodeProperties } from './awkward-strings.js';

/**
 * Rows per statement (and per Neo4j transaction of a write call). Measured on
 * FalkorDB 4.16.3, 2 cores, writing 20k nodes + 50k edges into an empty
 * graph: 250 rows 2.1 s, 1000 rows 1.8 s, 5000 rows 1.6 s (re-writing the
 * same graph: 1.7 / 1.6 / 1.6 s). Past 1000 the gain is small while each
 * statement grows to megabytes, so 1000.
 */
export const DEFAULT_STATEMENT_ROWS = 1000;

export const STATEMENT_ROWS_ENV = 'REACHGRAPH_STATEMENT_ROWS';

function statementRowsFrom(env: Record<string, string | undefined>): number {
  const value = env[STATEMENT_ROWS_ENV]?.trim();
  if (!value) return DEFAULT_STATEMENT_ROWS;
  const rows = Number(value);
  if (!Number.isInteger(rows) || rows < 1) {
    throw new StoreError(`${STATEMENT_ROWS_ENV}=${value} is not a number of rows: use a whole number of at least 1 (default ${DEFAULT_STATEMENT_ROWS}).`);
  }
  return rows;
}

export interface GraphDatabaseStoreOptions {
  /** Rows per statement (UNWIND batch); default REACHGRAPH_STATEMENT_ROWS, else DEFAULT_STATEMENT_ROWS. */
  statementRows?: number;
  /**
   * How replaceAnalysisResults keeps readers from seeing a mix: one
   * transaction, or versioned paths (see there). Defaults to what the
   * database supports; tests set it to run Neo4j's statements on FalkorDB.
   */
  resultsSwap?: 'transaction' | 'versioned';
  env?: Record<string, string | undefined>;
}

/** Properties the store keeps itself: `id` and `kind` of a node. */
const RESERVED = new Set(['id', 'kind']);

function writable(properties: Properties): Record<string, PropertyValue> {
  const result: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(properties)) if (!RESERVED.has(key) && value !== undefined) result[key] = value;
  return encodeProperties(result);
}

function defined(properties: Properties): Record<string, PropertyValue> {
  const result: Record<string, PropertyValue> = {};
  for (const [key, value] of Object.entries(properties)) if (value !== undefined) result[key] = value;
  return encodeProperties(result);
}

function stored(properties: unknown): Properties {
  const result: Properties = {};
  for (const [key, value] of Object.entries((properties ?? {}) as Record<string, PropertyValue>)) if (!RESERVED.has(key)) result[key] = value;
  return decodeProperties(result);
}

/** Later copies of the same key win, with the same merge rule the store applies (null removes). */
function mergeCopies(existing: Record<string, PropertyValue> | undefined, update: Record<string, PropertyValue>): Record<string, PropertyValue> {
  return existing ? { ...existing, ...update } : update;
}

/** Room left in a size-limited statement for its text and parameters other than the rows. */
const STATEMENT_TEXT_BYTES = 8 * 1024;

const count = (rows: Row[], column: string) => Number(rows[0]?.[column] ?? 0);

export class GraphDatabaseStore implements CypherStore {
  private readonly statementRows: number;
  private readonly resultsSwap: 'transaction' | 'versioned';

  private constructor(
    private readonly transport: CypherTransport,
    options: GraphDatabaseStoreOptions,
  ) {
    this.statementRows = options.statementRows ?? DEFAULT_STATEMENT_ROWS;
    this.resultsSwap = options.resultsSwap ?? (DIALECTS[transport.dialect].multiStatementTransactions ? 'transaction' : 'versioned');
    if (!Number.isInteger(this.statementRows) || this.statementRows < 1) throw new RangeError(`statementRows must be a whole number of at least 1`);
  }

  /**
   * Rows in statement-sized groups: `statementRows` each, and where the
   * transport limits a statement's size (FalkorDB over Bolt), no more rows
   * than fit. A row too large on its own goes alone and the transport says why.
   */
  private batches<T>(rows: readonly T[]): T[][] {
    const limit = this.transport.maxStatementBytes;
    const budget = limit === undefined ? Infinity : limit - STATEMENT_TEXT_BYTES;
    const result: T[][] = [];
    let current: T[] = [];
    let bytes = 0;
    for (const row of rows) {
      const size = limit === undefined ? 0 : Buffer.byteLength(cypherLiteral(row)) + 2;
      if (current.length === this.statementRows || (current.length > 0 && bytes + size > budget)) {
        result.push(current);
        current = [];
        bytes = 0;
      }
      current.push(row);
      bytes += size;
    }
    if (current.length > 0) result.push(current);
    return result;
  }

  /** Connects to `spec` (bolt://…, neo4j://…, falkordb://…) and makes sure the schema exists. */
  static async open(spec: string, options: GraphDatabaseStoreOptions = {}): Promise<GraphDatabaseStore> {
    return GraphDatabaseStore.connect(parseConnectionConfig(spec, options.env), options);
  }

  static async connect(config: ConnectionConfig, options: GraphDatabaseStoreOptions = {}): Promise<GraphDatabaseStore> {
    const statementRows = options.statementRows ?? statementRowsFrom(options.env ?? process.env);
    const transport = config.transport === 'falkordb' ? await FalkorDBTransport.connect(config) : await BoltTransport.connect(config);
    const store = new GraphDatabaseStore(transport, { ...options, statementRows });
    try {
      const { schema, listIndexes } = DIALECTS[transport.dialect];
      const present = new Set<string>();
      if (listIndexes) {
        // A write: FalkorDB refuses a read-only query on a graph that does not exist yet.
        for (const row of await transport.write((runner) => runner.run(listIndexes))) {
          for (const property of (row.properties ?? []) as string[]) present.add(`${String(row.label)}.${property}`);
        }
      }
      for (const statement of schema) if (!statement.index || !present.has(statement.index)) await transport.schema(statement);
    } catch (error) {
      await transport.close().catch(() => {});
      throw error;
    }
    return store;
  }

  get location(): string {
    return this.transport.address;
  }

  get dialect(): DialectName {
    return this.transport.dialect;
  }

  async upsertNodes(nodes: readonly GraphNode[], stamp?: SyncStamp): Promise<void> {
    if (nodes.length === 0) return;
    // One row per id (the last kind wins, properties merge in order), grouped by kind: labels are part of the statement text.
    const latest = new Map<string, { kind: NodeKind; properties: Record<string, PropertyValue> }>();
    for (const node of nodes) {
      kindLabel(node.kind);
      const previous = latest.get(node.id);
      latest.delete(node.id);
      latest.set(node.id, { kind: node.kind, properties: mergeCopies(previous?.properties, writable(node.properties)) });
    }
    const byKind = new Map<NodeKind, Array<{ id: string; properties: Record<string, PropertyValue> }>>();
    for (const [id, { kind, properties }] of latest) {
      const rows = byKind.get(kind) ?? [];
      rows.push({ id, properties });
      byKind.set(kind, rows);
    }
    await this.transport.write(async (runner) => {
      for (const [kind, rows] of byKind) {
        for (const chunk of this.batches(rows)) {
          await runner.run(cypher.retypeNodes(kind, chunk.map((row) => row.id)));
          await runner.run(cypher.upsertNodes(kind, chunk, stamp));
        }
      }
    });
  }

  async upsertEdges(edges: readonly GraphEdge[], stamp?: SyncStamp): Promise<GraphEdge[]> {
    if (edges.length === 0) return [];
    const rows = new Map<string, { i: number; kind: EdgeKind; source: string; target: string; properties: Record<string, PropertyValue>; inputs: GraphEdge[] }>();
    for (const edge of edges) {
      cypher.edgeType(edge.kind);
      const key = edgeKey(edge);
      const previous = rows.get(key);
      const properties = mergeCopies(previous?.properties, defined(edge.properties));
      if (previous) {
        previous.properties = properties;
        previous.inputs.push(edge);
      } else {
        rows.set(key, { i: rows.size, kind: edge.kind, source: edge.source, target: edge.target, properties, inputs: [edge] });
      }
    }
    const byKind = new Map<EdgeKind, Array<{ i: number; source: string; target: string; properties: Record<string, PropertyValue> }>>();
    for (const { i, kind, source, target, properties } of rows.values()) {
      const list = byKind.get(kind) ?? [];
      list.push({ i, source, target, properties });
      byKind.set(kind, list);
    }
    const written = await this.transport.write(async (runner) => {
      const done = new Set<number>();
      for (const [kind, list] of byKind) {
        for (const chunk of this.batches(list)) {
          for (const row of await runner.run(cypher.upsertEdges(kind, chunk, stamp))) done.add(Number(row.i));
        }
      }
      return done;
    });
    return [...rows.values()].filter((row) => !written.has(row.i)).flatMap((row) => row.inputs);
  }

  async getNode(id: string): Promise<GraphNode | undefined> {
    const [row] = await this.transport.read((runner) => runner.run(cypher.getNode(id)));
    return row ? { id, kind: row.kind as NodeKind, properties: stored(row.properties) } : undefined;
  }

  async neighbours(id: string, kinds?: readonly EdgeKind[]): Promise<Neighbour[]> {
    const rows = await this.transport.read((runner) => runner.run(cypher.neighbours(id, kinds)));
    return rows.map((row) => {
      const other = String(row.id);
      const outgoing = row.direction === 'out';
      return {
        direction: outgoing ? 'out' : 'in',
        edge: {
          source: outgoing ? id : other,
          target: outgoing ? other : id,
          kind: row.edgeKind as EdgeKind,
          properties: decodeProperties((row.edgeProperties ?? {}) as Properties),
        },
        node: { id: other, kind: row.kind as NodeKind, properties: stored(row.properties) },
      };
    });
  }

  /** Every entity and relationship between entities, including analysis results (as the embedded store does). */
  async readGraph(): Promise<GraphBatch> {
    return this.transport.read(async (runner) => {
      const nodes = (await runner.run(cypher.readNodes)).map((row) => ({ id: String(row.id), kind: row.kind as NodeKind, properties: stored(row.properties) }));
      const edges = (await runner.run(cypher.readEdges)).map((row) => ({
        source: String(row.source),
        target: String(row.target),
        kind: row.kind as EdgeKind,
        properties: decodeProperties((row.properties ?? {}) as Properties),
      }));
      return { nodes, edges };
    });
  }

  async countNodesByKind(): Promise<Record<string, number>> {
    const rows = await this.transport.read((runner) => runner.run(cypher.countNodesByKind));
    const counts: Record<string, number> = {};
    for (const row of rows) counts[String(row.kind)] = Number(row.count);
    return counts;
  }

  async acquireLock(scope: string, holder: string, ttlMs: number): Promise<void> {
    const [row] = await this.transport.write((runner) => runner.run(cypher.acquireLock(scope, holder, Date.now(), ttlMs)));
    if (row?.holder !== holder) throw new IngestLockedError(scope, String(row?.holder ?? 'another ingest'), String(row?.expiresAt ?? 'unknown'));
  }

  async releaseLock(scope: string, holder: string): Promise<void> {
    await this.transport.write((runner) => runner.run(cypher.releaseLock(scope, holder)));
  }

  async lockHolderOf(scope: string): Promise<string | undefined> {
    const [row] = await this.transport.write((runner) => runner.run(cypher.lockHolderOf(scope)));
    return row?.holder === undefined || row.holder === null ? undefined : String(row.holder);
  }

  async breakLock(scope: string, holder?: string): Promise<boolean> {
    const [row] = await this.transport.write((runner) => runner.run(cypher.breakLock(scope, holder ?? null)));
    return Number(row?.removed ?? 0) > 0;
  }

  /** Deletes in bounded batches, each its own transaction: the family's stale edges, then the other edges of its stale nodes, then those nodes. */
  async removeStale(selector: StaleSelector, batchSize: number): Promise<RemovedCounts> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a whole number of at least 1, not ${batchSize}`);
    const params = { families: [...selector.families], scope: selector.scope, generation: selector.generation, batch: batchSize };
    const drain = async (statement: typeof cypher.removeStaleEdges) => {
      let total = 0;
      for (;;) {
        const removed = count(await this.transport.write((runner) => runner.run(statement(params))), 'removed');
        total += removed;
        if (removed < batchSize) return total;
      }
    };
    const edges = (await drain(cypher.removeStaleEdges)) + (await drain(cypher.removeEdgesOfStaleNodes));
    const nodes = await drain(cypher.removeStaleNodes);
    return { nodes, edges };
  }

  /**
   * Readers (`MATCH (s:AnalysisState) MATCH (p:AttackPath {resultVersion:
   * s.currentVersion})`) see the old or the new results, never a mix. Neo4j:
   * one transaction. FalkorDB (no transactions across statements): new paths
   * are written beside the old ones and the asset results staged in batches,
   * then one small statement switches the assets and AnalysisState, then the
   * staging and older paths are deleted.
   */
  async replaceAnalysisResults(results: AnalysisResults): Promise<void> {
    const paths: cypher.PathRow[] = results.attackPaths.map((path) => ({
      id: path.id,
      entryId: path.entryId,
      targetId: path.targetId,
      hops: path.hops,
      hopCount: new Set(path.hops).size,
      properties: writable(path.properties),
    }));
    const assets = results.assets.map((asset) => ({ id: asset.id, properties: writable(asset.properties) }));
    const size = this.statementRows;
    const drain = async (runner: StatementRunner, statement: Statement) => {
      while (count(await runner.run(statement), 'removed') === size);
    };
    if (this.resultsSwap === 'transaction') {
      await this.transport.write(async (runner) => {
        await drain(runner, cypher.removeAttackPaths(null, size));
        for (const chunk of this.batches(paths)) await runner.run(cypher.createAttackPaths(chunk, results.version));
        for (const chunk of this.batches(assets)) await runner.run(cypher.setAssetResults(chunk));
        await runner.run(cypher.setAnalysisState(results.version, results.computedAt));
      });
      return;
    }
    const keys = [...new Set(assets.flatMap((asset) => Object.keys(asset.properties)))].sort();
    await this.transport.write(async (runner) => {
      await drain(runner, cypher.removePendingResults(size));
      for (const chunk of this.batches(paths)) await runner.run(cypher.createAttackPaths(chunk, results.version));
      for (const chunk of this.batches(assets.map(cypher.stagedRow))) await runner.run(cypher.stageAssetResults(chunk, results.version));
      await runner.run(cypher.applyStagedResults(keys, results.version, results.computedAt));
      await drain(runner, cypher.removePendingResults(size));
      await drain(runner, cypher.removeAttackPaths(results.version, size));
    });
  }

  runReadQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult> {
    if (!Number.isInteger(options.rowLimit) || options.rowLimit < 0) return Promise.reject(new RangeError(`rowLimit must be a whole number, not ${options.rowLimit}`));
    if (!(options.timeoutMs > 0)) return Promise.reject(new RangeError(`timeoutMs must be positive, not ${options.timeoutMs}`));
    return this.transport.readQuery(text, params, options);
  }

  /** Every write is committed when its call returns. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.transport.close();
  }
}

