/**
 * Everything that differs between Neo4j 5 and FalkorDB, in one place.
 *
 * | concern | Neo4j 5 | FalkorDB 4.16 |
 * | --- | --- | --- |
 * | wire protocol | Bolt (neo4j-driver) | its own (`GRAPH.QUERY` over the Redis protocol, through the official `falkordb` client), see below |
 * | detection | `CALL dbms.components()` answers | the same call fails "is not registered"; its Bolt agent claims `Neo4j/5.13.0` |
 * | database | `NEO4J_DATABASE` or the server default | the graph key: address path, `NEO4J_DATABASE`, else `reachgraph` |
 * | schema | `CREATE CONSTRAINT/INDEX … IF NOT EXISTS` | `CREATE INDEX FOR (n:L) ON (n.p)`; a repeat fails "already indexed" (= success) |
 * | id uniqueness | unique constraints on `Entity.id` and `IngestLock.scope` | no constraint through Cypher: writes are serialised per graph, so a single MERGE is atomic |
 * | transactions | a batch, and an analysis-results swap, is one transaction | none across statements (Bolt BEGIN/COMMIT are no-ops); every statement is atomic on its own (rolled back on error) |
 * | results swap | old paths deleted and new ones written in one transaction | versioned: write new paths, flip `AnalysisState` and asset results in one statement, delete older versions |
 * | parameters | typed Bolt parameters | sent as a `CYPHER name=literal …` prefix we escape ourselves |
 * | read-only queries | READ transaction with a server timeout | `GRAPH.RO_QUERY … TIMEOUT ms` |
 * | FLOAT values read back | exact | with 15 significant digits (its reply format): 0.1 + 0.2 reads back as 0.3 |
 * | `LIMIT $n` | needs an INTEGER (JS numbers go as FLOAT: values.ts sends whole numbers as integers) | the same |
 *
 * Why not FalkorDB's Bolt endpoint (FalkorDB 4.16.3, measured): a message that
 * neo4j-driver splits into more than one chunk (over ~1.4 KB) hangs the
 * connection and one over 4 KB crashes the server; parameters are pasted into
 * the query text unescaped (a quote breaks the query, floats keep 6 decimals,
 * over 4 KB of them crash it); the graph name is taken from the first key of
 * the RUN message's extras ("db", "tx_timeout"…) or is always `falkordb`; and
 * after a client's GOODBYE the next connection hangs. A third of the Contoso
 * sample's nodes alone are over 1.4 KB.
 */
import { StoreError } from '../graph-store.js';
import { NodeKinds } from '../../model/kinds.js';
import type { Statement, StatementRunner } from './transport.js';

export type DialectName = 'neo4j' | 'falkordb';

export const DIALECT_ENV = 'REACHGRAPH_GRAPH_DIALECT';

export interface Dialect {
  name: DialectName;
  /** Statements that create the indexes and constraints reachgraph relies on; each is idempotent (see `schemaAlreadyThere`). */
  schema: Statement[];
  /** An error from a schema statement that only says the index or constraint exists. */
  schemaAlreadyThere(message: string): boolean;
  /** True when several statements can share one transaction (Neo4j); false when each statement stands alone (FalkorDB). */
  multiStatementTransactions: boolean;
  /** How to start the server, for "cannot reach" messages. */
  startHint: string;
}

/** Kind labels come from the model's fixed list only, never from input (labels cannot be parameters). */
export function kindLabel(kind: string): string {
  if (!(NodeKinds as readonly string[]).includes(kind)) throw new StoreError(`${JSON.stringify(kind)} is not a node kind reachgraph knows.`);
  return kind;
}

const neo4jSchema: Statement[] = [
  { text: 'CREATE CONSTRAINT reachgraph_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE', purpose: 'creating the Entity.id constraint' },
  {
    text: 'CREATE CONSTRAINT reachgraph_ingest_lock_scope IF NOT EXISTS FOR (l:IngestLock) REQUIRE l.scope IS UNIQUE',
    purpose: 'creating the IngestLock.scope constraint',
  },
  { text: 'CREATE INDEX reachgraph_entity_sync_scope IF NOT EXISTS FOR (n:Entity) ON (n.syncScope)', purpose: 'creating the Entity.syncScope index' },
  { text: 'CREATE INDEX reachgraph_attack_path_version IF NOT EXISTS FOR (n:AttackPath) ON (n.resultVersion)', purpose: 'creating the AttackPath.resultVersion index' },
  ...NodeKinds.map((kind) => ({
    text: `CREATE INDEX reachgraph_${kind.toLowerCase()}_id IF NOT EXISTS FOR (n:${kindLabel(kind)}) ON (n.id)`,
    purpose: `creating the ${kind}.id index`,
  })),
];

const falkordbSchema: Statement[] = [
  { text: 'CREATE INDEX FOR (n:Entity) ON (n.id)', purpose: 'creating the Entity.id index' },
  { text: 'CREATE INDEX FOR (n:Entity) ON (n.syncScope)', purpose: 'creating the Entity.syncScope index' },
  { text: 'CREATE INDEX FOR (l:IngestLock) ON (l.scope)', purpose: 'creating the IngestLock.scope index' },
  ...NodeKinds.map((kind) => ({ text: `CREATE INDEX FOR (n:${kindLabel(kind)}) ON (n.id)`, purpose: `creating the ${kind}.id index` })),
  { text: 'CREATE INDEX FOR (n:AttackPath) ON (n.resultVersion)', purpose: 'creating the AttackPath.resultVersion index' },
];

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  neo4j: {
    name: 'neo4j',
    schema: neo4jSchema,
    schemaAlreadyThere: (message) => /EquivalentSchemaRuleAlreadyExists|already exists/i.test(message),
    multiStatementTransactions: true,
    startHint: 'Start it (`docker compose up -d neo4j`) or pass --store.',
  },
  falkordb: {
    name: 'falkordb',
    schema: falkordbSchema,
    schemaAlreadyThere: (message) => /already indexed/i.test(message),
    multiStatementTransactions: false,
    startHint: 'Start it (`valkey-server --loadmodule <falkordb.so>`, or the falkordb/falkordb image) or pass --store.',
  },
};

/** REACHGRAPH_GRAPH_DIALECT, when set. */
export function dialectOverride(env: Record<string, string | undefined> = process.env): DialectName | undefined {
  const value = env[DIALECT_ENV]?.trim().toLowerCase();
  if (!value) return undefined;
  if (value === 'neo4j' || value === 'falkordb') return value;
  throw new StoreError(`${DIALECT_ENV}=${env[DIALECT_ENV]} is not a graph dialect: use neo4j or falkordb.`);
}

/**
 * Which database answers on a Bolt address. FalkorDB's Bolt endpoint reports
 * the agent `Neo4j/5.13.0`, so the agent cannot tell; `dbms.components()` can.
 */
export async function detectBoltDialect(runner: StatementRunner): Promise<{ dialect: DialectName; version: string | undefined }> {
  try {
    const rows = await runner.run({
      text: 'CALL dbms.components() YIELD name, versions RETURN name, versions',
      purpose: 'asking the server which database it is',
    });
    const versions = rows[0]?.versions;
    return { dialect: 'neo4j', version: Array.isArray(versions) ? String(versions[0]) : undefined };
  } catch (error) {
    if (/not registered|unknown procedure|no such procedure/i.test((error as Error).message)) return { dialect: 'falkordb', version: undefined };
    throw error;
  }
}

export function checkNeo4jVersion(address: string, version: string | undefined): void {
  const major = Number(version?.split('.')[0]);
  if (Number.isFinite(major) && major > 0 && major < 5) {
    throw new StoreError(`${address} runs Neo4j ${version}; reachgraph needs Neo4j 5 or newer.`);
  }
}

export function falkordbOverBoltError(address: string, port: number): StoreError {
  return new StoreError(
    `${address} is FalkorDB's Bolt endpoint, which cannot carry reachgraph's statements ` +
      `(statements over about 1.4 KB hang it or crash the server, and the graph cannot be chosen). ` +
      `Use FalkorDB's own port instead: --store falkordb://<host>:6379 (Redis port, not ${port}).`,
  );
}
