/**
 * Where a Cypher graph store is and how to log in: from `--store` (or
 * REACHGRAPH_STORE / NEO4J_URI) and the conventional NEO4J_* variables.
 *
 * - `bolt://host:7687` and `neo4j://host:7687` (routing) and their `+s` /
 *   `+ssc` variants: Neo4j 5 through neo4j-driver, or FalkorDB's Bolt
 *   endpoint (graph `falkordb` only, statements up to 64 KB: see
 *   bolt-transport.ts).
 * - `falkordb://host:6379[/graph]` (`falkordbs://` for TLS): FalkorDB through
 *   its native protocol, any graph, no size limit.
 */
import { StoreError } from '../graph-store.js';

export type Transport = 'bolt' | 'falkordb';

export interface ConnectionConfig {
  transport: Transport;
  /** The address with any user name and password left out: safe for messages. */
  address: string;
  /** What the driver connects to (Bolt: the URI without credentials). */
  uri: string;
  host: string;
  port: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
  /** Neo4j: the database (undefined = the server's default). FalkorDB: the graph key. */
  database: string | undefined;
}

export const DEFAULT_FALKORDB_GRAPH = 'reachgraph';

const BOLT = /^(bolt|neo4j)(\+s|\+ssc)?:\/\//i;
const FALKORDB = /^falkordbs?:\/\//i;

export function isCypherStoreSpec(spec: string): boolean {
  return BOLT.test(spec) || FALKORDB.test(spec);
}

type Env = Record<string, string | undefined>;

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** Parses a store address; credentials in the address win over NEO4J_USERNAME / NEO4J_PASSWORD. */
export function parseConnectionConfig(spec: string, env: Env = process.env): ConnectionConfig {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new StoreError(`${redact(spec)} is not a valid graph database address (expected e.g. bolt://localhost:7687 or falkordb://localhost:6379).`);
  }
  const transport: Transport = FALKORDB.test(spec) ? 'falkordb' : 'bolt';
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const username = nonEmpty(decodeURIComponent(url.username)) ?? nonEmpty(env.NEO4J_USERNAME);
  const password = nonEmpty(decodeURIComponent(url.password)) ?? nonEmpty(env.NEO4J_PASSWORD);
  const defaultPort = transport === 'falkordb' ? 6379 : 7687;
  const port = url.port ? Number(url.port) : defaultPort;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new StoreError(`${redact(spec)} names no host.`);
  const pathName = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  const database =
    transport === 'falkordb' ? nonEmpty(pathName) ?? nonEmpty(env.NEO4J_DATABASE) ?? DEFAULT_FALKORDB_GRAPH : nonEmpty(env.NEO4J_DATABASE);
  const hostPort = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const uri = `${scheme}://${hostPort}`;
  return {
    transport,
    address: transport === 'falkordb' ? `${uri}/${database}` : database ? `${uri} (database ${database})` : uri,
    uri,
    host,
    port,
    tls: scheme.endsWith('+s') || scheme.endsWith('+ssc') || scheme === 'falkordbs',
    username,
    password,
    database,
  };
}

/** The address with `user:password@` removed, for messages about an address that did not parse. */
export function redact(spec: string): string {
  return spec.replace(/^([a-z0-9+]+:\/\/)[^@/]*@/i, '$1');
}
