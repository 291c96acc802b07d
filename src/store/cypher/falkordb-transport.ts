/**
 * FalkorDB through its own protocol, spoken by the official client (the npm
 * package `falkordb`, on node-redis): `GRAPH.QUERY <graph> <cypher> --compact`.
 *
 * Two things stay here rather than in the client: parameters travel as a
 * `CYPHER name=literal …` prefix written by values.ts (the client's own prefix
 * does not escape map keys or newlines and sends 2.0 as the integer 2), and
 * compact replies are decoded here (the client's Graph drops the column
 * headers, which a query with no rows still needs).
 */
import net from 'node:net';
import tls from 'node:tls';
import { FalkorDB, type FalkorDBOptions } from 'falkordb';
import { StoreError } from '../graph-store.js';
import type { ConnectionConfig } from './config.js';
import { DIALECT_ENV, DIALECTS, dialectOverride } from './dialect.js';
import type { CypherTransport, ReadQueryOptions, ReadQueryResult, Row, Statement, StatementRunner } from './transport.js';
import { inlineParameters, type Plain, type PlainNode, type PlainRelationship, plainNode } from './values.js';

/** A compact reply value as node-redis hands it over. */
type RespValue = string | number | null | Error | RespValue[];

/** Value types of FalkorDB's compact result format. */
const enum T {
  Null = 1,
  String = 2,
  Integer = 3,
  Boolean = 4,
  Double = 5,
  Array = 6,
  Edge = 7,
  Node = 8,
  Path = 9,
  Map = 10,
  Point = 11,
}

interface Names {
  labels: string[];
  relationshipTypes: string[];
  propertyKeys: string[];
}

class MissingName extends Error {}

/** The client could not open or keep the socket (`code` as Node gives it: ECONNREFUSED…). */
class ConnectionFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const asArray = (value: RespValue | undefined): RespValue[] => (Array.isArray(value) ? value : []);

export function connectionProblem(config: ConnectionConfig, error: { message: string; code?: string | undefined }): StoreError {
  const reason =
    error.code === 'ECONNREFUSED'
      ? 'connection refused'
      : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
        ? `unknown host ${config.host}`
        : error.message;
  return new StoreError(`Cannot reach the graph database at ${config.address} (${reason}). ${DIALECTS.falkordb.startHint}`);
}

export function authenticationFailed(config: ConnectionConfig): StoreError {
  return new StoreError(
    `Authentication to the graph database at ${config.address} failed. ` +
      `Check NEO4J_USERNAME and NEO4J_PASSWORD (or the user and password in the address).`,
  );
}

/** A socket-level failure from node-redis or Node, as opposed to an error reply from the server. */
function connectionFailure(error: unknown): ConnectionFailure | undefined {
  if (error instanceof ConnectionFailure) return error;
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new ConnectionFailure(error.message, code);
  const name = error.constructor.name;
  if (/ClientClosed|ClientOffline|SocketClosed|ConnectionTimeout|SocketTimeout|Disconnects/.test(name)) return new ConnectionFailure(error.message, 'ECONNRESET');
  return undefined;
}

/** How long a server that accepted the socket may take to say anything. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Checks, on a socket of its own, that the server answers at all: node-redis
 * (and the FalkorDB client's set-up commands on top of it) waits forever on a
 * peer that accepts the connection and stays silent, with no socket to drop.
 * Any reply — PONG, or NOAUTH before a login — will do.
 */
function answersAtAll(config: ConnectionConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = config.tls ? tls.connect({ host: config.host, port: config.port, servername: config.host }) : net.connect({ host: config.host, port: config.port });
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new ConnectionFailure(`it accepted the connection but said nothing within ${HANDSHAKE_TIMEOUT_MS / 1000} s: is it a FalkorDB server?`, 'ETIMEDOUT')), HANDSHAKE_TIMEOUT_MS);
    socket.once(config.tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'));
    socket.once('data', () => done());
    socket.once('error', (error: NodeJS.ErrnoException) => done(new ConnectionFailure(error.message, error.code ?? 'ECONNRESET')));
    socket.once('close', () => done(new ConnectionFailure('it closed the connection without answering', 'ECONNRESET')));
  });
}

/** node-redis refused a command because its client is closed or offline: the command was never sent. */
class ClientGone extends Error {}

const isClientGone = (error: unknown): boolean => error instanceof Error && /ClientClosed|ClientOffline/.test(error.constructor.name);

/** One FalkorDB client (one socket) and the node-redis connection under it. */
class Connection {
  private constructor(
    readonly db: FalkorDB,
    readonly client: Awaited<FalkorDB['connection']>,
  ) {}

  /**
   * Connects, logs in and checks the server answers. (FalkorDB 4.16 leaves a socket registered after a Bolt
   * client's GOODBYE, so the next connection to that server hears nothing and times out here; reachgraph's own
   * Bolt connections close without one, see bolt-message-relay.ts.)
   */
  static async open(config: ConnectionConfig): Promise<Connection> {
    let ready = false;
    const options: FalkorDBOptions & { socket: { reconnectStrategy: (retries: number) => number | false } } = {
      socket: {
        host: config.host,
        port: config.port,
        connectTimeout: 10_000,
        ...(config.tls ? { tls: true as const, servername: config.host } : {}),
        // Refused or unreachable at first: say so at once. Lost later: connect again on the next command.
        reconnectStrategy: (retries) => (ready && retries < 5 ? Math.min(50 * 2 ** retries, 1_000) : false),
      },
      disableClientInfo: true,
      ...(config.username !== undefined ? { username: config.username } : {}),
      ...(config.password !== undefined ? { password: config.password } : {}),
    };
    try {
      await answersAtAll(config);
      const db = await FalkorDB.connect(options);
      db.on('error', () => {}); // failures reach the caller through the command that hit them
      const client = await db.connection;
      await client.ping();
      ready = true;
      return new Connection(db, client);
    } catch (error) {
      throw connectionFailure(error) ?? error;
    }
  }

  async command(kind: 'query' | 'roQuery', graph: string, text: string, timeoutMs?: number): Promise<RespValue[]> {
    const reply = await this.client.falkordb[kind](graph, text, timeoutMs === undefined ? undefined : { TIMEOUT: timeoutMs }, true);
    // An error while the query runs comes back as a part of the reply, not as a rejection.
    const failure = [reply.headers, reply.data, reply.metadata].find((part): part is never => part instanceof Error) as Error | undefined;
    if (failure) throw new Error(failure.message);
    if (reply.headers === undefined) return [];
    return [reply.headers as RespValue, reply.data as RespValue, reply.metadata as RespValue];
  }

  /** Drops the connection now, failing whatever still waits for a reply. */
  destroy(): void {
    this.client.destroy();
  }

  async close(): Promise<void> {
    await this.db.close().catch(() => {});
  }
}

export class FalkorDBTransport implements CypherTransport {
  readonly dialect = 'falkordb' as const;
  readonly address: string;
  private queries: Promise<Connection> | undefined;
  private names: Names = { labels: [], relationshipTypes: [], propertyKeys: [] };

  private reopening: Promise<Connection> | undefined;

  private constructor(
    private readonly config: ConnectionConfig,
    private readonly graph: string,
    private main: Connection,
  ) {
    this.address = config.address;
  }

  static async connect(config: ConnectionConfig): Promise<FalkorDBTransport> {
    if (dialectOverride() === 'neo4j') {
      throw new StoreError(`${DIALECT_ENV}=neo4j does not fit ${config.address}: falkordb:// addresses speak FalkorDB's own protocol.`);
    }
    let main: Connection;
    try {
      main = await Connection.open(config);
    } catch (error) {
      throw problem(config, error, 'connecting');
    }
    return new FalkorDBTransport(config, config.database ?? 'reachgraph', main);
  }

  write<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return work({ run: (statement) => this.runOnMain('query', statement) });
  }

  read<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return work({ run: (statement) => this.runOnMain('roQuery', statement) });
  }

  async schema(statement: Statement): Promise<void> {
    try {
      await this.runOnMain('query', statement);
    } catch (error) {
      if (!DIALECTS.falkordb.schemaAlreadyThere((error as Error).message)) throw error;
    }
  }

  /**
   * A caller's query on its own connection, so a slow one does not hold up the
   * store's statements. FalkorDB checks TIMEOUT only now and then (a long
   * UNWIND ran 8 s past a 50 ms timeout), so the connection is also dropped
   * when the timeout has passed by a second.
   */
  async readQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult> {
    const timeout = Math.max(1, Math.round(options.timeoutMs));
    const timedOut = () => new StoreError(`The query ran longer than its timeout of ${timeout} ms on ${this.address} and was stopped.`);
    const opening = (this.queries ??= Connection.open(this.config));
    opening.catch(() => {
      if (this.queries === opening) this.queries = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    let reply: RespValue[];
    try {
      const connection = await opening;
      const guard = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          if (this.queries === opening) this.queries = undefined;
          connection.destroy();
          reject(timedOut());
        }, timeout + 1_000);
      });
      const command = connection.command('roQuery', this.graph, inlineParameters(text, params), timeout);
      command.catch(() => {});
      reply = await Promise.race([command, guard]);
      const failure = reply.find((part) => part instanceof Error);
      if (failure instanceof Error) throw new Error(failure.message);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      if (/timed out/i.test((error as Error).message)) throw timedOut();
      // The server went away: the next query opens a connection of its own again.
      if (isClientGone(error) && this.queries === opening) this.queries = undefined;
      throw problem(this.config, error, 'The query');
    } finally {
      clearTimeout(timer);
    }
    const { columns, rows } = await this.decode(reply);
    const truncated = rows.length > options.rowLimit;
    return { columns, rows: truncated ? rows.slice(0, options.rowLimit) : rows, truncated };
  }

  async close(): Promise<void> {
    const queries = this.queries;
    this.queries = undefined;
    await Promise.all([this.main.close(), queries?.then((connection) => connection.close(), () => {})]);
  }

  /**
   * Runs on the store's connection. node-redis gives up reconnecting after a
   * few tries, and its client then stays closed: a server that restarted would
   * never be reached again (a running `serve` never recovered). A command
   * refused because the client is closed or offline was never sent, so the
   * connection is opened anew and the command sent once more; while the
   * server is still down, each call says so.
   */
  private async runOnMain(kind: 'query' | 'roQuery', statement: Statement): Promise<Row[]> {
    const connection = this.main;
    try {
      return await this.run(connection, kind, statement, true);
    } catch (error) {
      if (!(error instanceof ClientGone)) throw error;
      this.reopening ??= Connection.open(this.config).finally(() => (this.reopening = undefined));
      let fresh: Connection;
      try {
        fresh = await this.reopening;
      } catch (reopenError) {
        throw problem(this.config, reopenError, statement.purpose);
      }
      if (this.main === connection) {
        this.main = fresh;
        void connection.close();
      }
      return this.run(this.main, kind, statement);
    }
  }

  private async run(connection: Connection, kind: 'query' | 'roQuery', statement: Statement, reportClientGone = false): Promise<Row[]> {
    let reply: RespValue[];
    try {
      reply = await connection.command(kind, this.graph, inlineParameters(statement.text, statement.params));
    } catch (error) {
      if (reportClientGone && isClientGone(error)) throw new ClientGone();
      throw problem(this.config, error, statement.purpose);
    }
    const failure = reply.find((part) => part instanceof Error);
    if (failure instanceof Error) throw problem(this.config, new Error(failure.message), statement.purpose);
    return (await this.decode(reply)).rows;
  }

  private async decode(reply: RespValue): Promise<{ columns: string[]; rows: Row[] }> {
    const parts = asArray(reply);
    if (parts.length < 3) return { columns: [], rows: [] };
    const columns = asArray(parts[0]!).map((column) => String(asArray(column)[1]));
    const decodeRows = () =>
      asArray(parts[1]!).map((row) => {
        const values = asArray(row);
        const record: Row = {};
        columns.forEach((column, index) => {
          record[column] = this.value(values[index] ?? null);
        });
        return record;
      });
    try {
      return { columns, rows: decodeRows() };
    } catch (error) {
      if (!(error instanceof MissingName)) throw error;
      await this.refreshNames();
      return { columns, rows: decodeRows() };
    }
  }

  /** Label, relationship type and property key names, which compact results give by number. */
  private async refreshNames(): Promise<void> {
    const list = async (procedure: string, column: string) => {
      const rows = await this.run(this.main, 'roQuery', { text: `CALL ${procedure}() YIELD ${column} RETURN ${column}`, purpose: `reading ${procedure}` });
      return rows.map((row) => String(row[column]));
    };
    this.names = {
      labels: await list('db.labels', 'label'),
      relationshipTypes: await list('db.relationshipTypes', 'relationshipType'),
      propertyKeys: await list('db.propertyKeys', 'propertyKey'),
    };
  }

  private name(kind: keyof Names, index: RespValue): string {
    const name = this.names[kind][Number(index)];
    if (name === undefined) throw new MissingName();
    return name;
  }

  private value(cell: RespValue): Plain {
    const [type, raw] = asArray(cell);
    switch (Number(type)) {
      case T.Null:
        return null;
      case T.String:
        return String(raw);
      case T.Integer:
        return Number(raw);
      case T.Boolean:
        return raw === 'true' || raw === 1;
      case T.Double:
        return Number(raw);
      case T.Array:
        return asArray(raw ?? null).map((item) => this.value(item));
      case T.Map: {
        const items = asArray(raw ?? null);
        const result: Record<string, Plain> = {};
        for (let index = 0; index + 1 < items.length; index += 2) result[String(items[index])] = this.value(items[index + 1]!);
        return result;
      }
      case T.Node:
        return this.node(raw ?? null) as unknown as Plain;
      case T.Edge:
        return this.edge(raw ?? null, new Map()) as unknown as Plain;
      case T.Path: {
        const [nodes, edges] = asArray(raw ?? null);
        const plainNodes = asArray(asArray(nodes ?? null)[1] ?? null).map((node) => this.node(asArray(node)[1] ?? null));
        const ids = new Map<number, string>();
        asArray(asArray(nodes ?? null)[1] ?? null).forEach((node, index) => {
          const id = plainNodes[index]?.id;
          if (id) ids.set(Number(asArray(asArray(node)[1] ?? null)[0]), id);
        });
        const relationships = asArray(asArray(edges ?? null)[1] ?? null).map((edge) => this.edge(asArray(edge)[1] ?? null, ids));
        return { nodes: plainNodes, relationships } as unknown as Plain;
      }
      case T.Point: {
        const [latitude, longitude] = asArray(raw ?? null);
        return { latitude: Number(latitude), longitude: Number(longitude) };
      }
      default:
        return raw === undefined ? null : (raw as Plain);
    }
  }

  private properties(raw: RespValue): Record<string, Plain> {
    const result: Record<string, Plain> = {};
    for (const property of asArray(raw)) {
      const [key, type, value] = asArray(property);
      result[this.name('propertyKeys', key ?? null)] = this.value([type ?? null, value ?? null]);
    }
    return result;
  }

  private node(raw: RespValue): PlainNode {
    const [, labels, properties] = asArray(raw);
    return plainNode(
      asArray(labels ?? null).map((label) => this.name('labels', label)),
      this.properties(properties ?? null),
    );
  }

  private edge(raw: RespValue, ids: Map<number, string>): PlainRelationship {
    const [, type, source, target, properties] = asArray(raw);
    return {
      kind: this.name('relationshipTypes', type ?? null),
      start: ids.get(Number(source)) ?? String(source),
      end: ids.get(Number(target)) ?? String(target),
      properties: this.properties(properties ?? null),
    };
  }
}

function problem(config: ConnectionConfig, error: unknown, purpose: string): StoreError {
  if (error instanceof StoreError) return error;
  const failure = connectionFailure(error);
  if (failure) return connectionProblem(config, failure);
  const message = (error as Error).message;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) return authenticationFailed(config);
  if (/unknown command/i.test(message) && /graph\./i.test(message)) {
    return new StoreError(`${config.address} answers but has no FalkorDB module loaded (${message}). Load it with --loadmodule <falkordb.so>.`);
  }
  return new StoreError(`${purpose} failed on ${config.address}: ${message}`);
}
