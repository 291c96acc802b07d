/**
 * Everything that differs between Neo4j 5 and FalkorDB, in one place.
 *
 * | concern | Neo4j 5 | FalkorDB 4.16 |
 * | --- | --- | --- |
 * | wire protocol | Bolt (neo4j-driver) | its own (`falkordb://`: `GRAPH.QUERY` over the Redis protocol, through the official `falkordb` client), or its Bolt endpoint (`bolt://`, through a relay, see below) |
 * | detection | `CALL dbms.components()` answers | the same call fails "is not registered"; its Bolt agent claims `Neo4j/5.13.0` |
 * | database | `NEO4J_DATABASE` or the server default | `falkordb://`: the graph key (address path, `NEO4J_DATABASE`, else `reachgraph`); Bolt: always `falkordb` |
 * | schema | `CREATE CONSTRAINT/INDEX … IF NOT EXISTS` | `CREATE INDEX FOR (n:L) ON (n.p)`; a repeat fails "already indexed" (= success) |
 * | id uniqueness | unique constraints on `Entity.id` and `IngestLock.scope` | no constraint through Cypher: writes are serialised per graph, so a single MERGE is atomic |
 * | transactions | a batch, and an analysis-results swap, is one transaction | none across statements (Bolt BEGIN/COMMIT are no-ops); every statement is atomic on its own (rolled back on error) |
 * | results swap | old paths deleted and new ones written in one transaction | versioned: write new paths, stage asset results on `:PendingResult` nodes, apply them and flip `AnalysisState` in one statement, delete the staging and older versions |
 * | parameters | typed Bolt parameters | a `CYPHER name=literal …` prefix we escape ourselves (values.ts), on both protocols |
 * | read-only queries | READ transaction with a server timeout | `falkordb://`: `GRAPH.RO_QUERY … TIMEOUT ms`; Bolt: neither (the saved-query guard refuses writes, the client gives up after the timeout) |
 * | FLOAT values read back | exact | with 15 significant digits (its reply format): 0.1 + 0.2 reads back as 0.3 |
 * | `LIMIT $n` | needs an INTEGER (JS numbers go as FLOAT: values.ts sends whole numbers as integers) | the same |
 *
 * FalkorDB's Bolt endpoint (4.16.3, measured) needs care: a message whose
 * chunks arrive in separate reads hangs the connection or crashes the server
 * (neo4j-driver writes each 1.4 KB chunk on its own), a message over one
 * 64 KB chunk hangs, Bolt parameters are pasted into the query unescaped (a
 * quote breaks it, floats keep 6 decimals), the graph is the first key of
 * the RUN message's extras or `falkordb`, and after a GOODBYE the next
 * connection hangs. bolt-message-relay.ts and bolt-transport.ts work around
 * all of it; batches are cut to 64 KB statements, and a single node larger
 * than that is refused with a pointer to `falkordb://`.
 */
import { StoreError } from '../graph-store.js';
import { NodeKinds } from '../../model/kinds.js';
import type { Statement, StatementRunner } from './transport.js';

export type DialectName = 'neo4j' | 'falkordb';

export const DIALECT_ENV = 'REACHGRAPH_GRAPH_DIALECT';

export interface SchemaStatement extends Statement {
  /** The index it creates as `Label.property`, when `listIndexes` can tell it is there already. */
  index?: string;
}

export interface Dialect {
  name: DialectName;
  /** Statements that create the indexes and constraints reachgraph relies on; each is idempotent (see `schemaAlreadyThere`). */
  schema: SchemaStatement[];
  /** Lists the indexes there are (rows of `label` and `properties`), so start-up asks only for missing ones. */
  listIndexes?: Statement;
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

/** FalkorDB's indexes as label and property, so the ones already there are not asked for again (a repeat is an error on FalkorDB). */
const falkordbIndexes: Array<[label: string, property: string]> = [
  ['Entity', 'id'],
  ['Entity', 'syncScope'],
  ['IngestLock', 'scope'],
  ...NodeKinds.map((kind): [string, string] => [kindLabel(kind), 'id']),
  ['AttackPath', 'resultVersion'],
];

const falkordbSchema: SchemaStatement[] = falkordbIndexes.map(([label, property]) => ({
  text: `CREATE INDEX FOR (n:${label}) ON (n.${property})`,
  purpose: `creating the ${label}.${property} index`,
  index: `${label}.${property}`,
}));

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
    listIndexes: { text: 'CALL db.indexes() YIELD label, properties RETURN label, properties', purpose: 'listing the indexes there are' },
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
 * the agent `Neo4j/5.13.0`, so the agent cannot tell; its own procedure
 * `db.meta.stats` can. Asked through `dbms.procedures()`, which FalkorDB
 * answers and Neo4j 5 no longer has, so the question fails only on Neo4j
 * (a failed statement unsettles FalkorDB's Bolt endpoint, see
 * bolt-message-relay.ts).
 */
export async function detectBoltDialect(runner: StatementRunner): Promise<{ dialect: DialectName; version: string | undefined }> {
  const unknownProcedure = (error: unknown) => /not registered|unknown procedure|no such procedure|no procedure/i.test((error as Error).message);
  try {
    const [row] = await runner.run({
      text: "CALL dbms.procedures() YIELD name WHERE name = 'db.meta.stats' RETURN count(name) AS falkordb",
      purpose: 'asking the server which database it is',
    });
    if (Number(row?.falkordb) > 0) return { dialect: 'falkordb', version: undefined };
  } catch (error) {
    if (!unknownProcedure(error)) throw error;
  }
  const rows = await runner.run({ text: 'CALL dbms.components() YIELD name, versions RETURN name, versions', purpose: 'asking Neo4j for its version' });
  const versions = rows[0]?.versions;
  return { dialect: 'neo4j', version: Array.isArray(versions) ? String(versions[0]) : undefined };
}

export function checkNeo4jVersion(address: string, version: string | undefined): void {
  const major = Number(version?.split('.')[0]);
  if (Number.isFinite(major) && major > 0 && major < 5) {
    throw new StoreError(`${address} runs Neo4j ${version}; reachgraph needs Neo4j 5 or newer.`);
  }
}

export function falkordbGraphOverBolt(address: string, database: string): StoreError {
  return new StoreError(
    `${address} is FalkorDB's Bolt endpoint, which always uses the graph "falkordb" and cannot open "${database}". ` +
      `Unset NEO4J_DATABASE, or choose the graph over FalkorDB's own port: --store falkordb://<host>:6379/${database}.`,
  );
}
