/**
 * FalkorDB through its own protocol: `GRAPH.QUERY <graph> <cypher> --compact`.
 * Parameters travel as a `CYPHER name=literal …` prefix (values.ts escapes
 * them); results come back typed and are turned into plain JSON values.
 */
import { StoreError } from '../graph-store.js';
import type { ConnectionConfig } from './config.js';
import { DIALECT_ENV, DIALECTS, dialectOverride } from './dialect.js';
import { RespConnection, RespConnectionError, RespError, type RespValue } from './resp.js';
import type { CypherTransport, ReadQueryOptions, ReadQueryResult, Row, Statement, StatementRunner } from './transport.js';
import { cypherLiteral, cypherName, type Plain, type PlainNode, type PlainRelationship, plainNode } from './values.js';

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

function withParameters(text: string, params: Record<string, unknown> | undefined): string {
  const entries = Object.entries(params ?? {}).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return text;
  return `CYPHER ${entries.map(([name, value]) => `${cypherName(name)}=${cypherLiteral(value)}`).join(' ')} ${text}`;
}

const asArray = (value: RespValue): RespValue[] => (Array.isArray(value) ? value : []);

export function connectionProblem(config: ConnectionConfig, error: RespConnectionError): StoreError {
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

export class FalkorDBTransport implements CypherTransport {
  readonly dialect = 'falkordb' as const;
  readonly address: string;
  private readonly main: RespConnection;
  private queries: RespConnection | undefined;
  private names: Names = { labels: [], relationshipTypes: [], propertyKeys: [] };

  private constructor(
    private readonly config: ConnectionConfig,
    private readonly graph: string,
  ) {
    this.address = config.address;
    this.main = this.connection();
  }

  static async connect(config: ConnectionConfig): Promise<FalkorDBTransport> {
    if (dialectOverride() === 'neo4j') {
      throw new StoreError(`${DIALECT_ENV}=neo4j does not fit ${config.address}: falkordb:// addresses speak FalkorDB's own protocol.`);
    }
    const transport = new FalkorDBTransport(config, config.database ?? 'reachgraph');
    try {
      await transport.main.command(['PING']);
    } catch (error) {
      await transport.close();
      throw transport.problem(error, 'connecting');
    }
    return transport;
  }

  write<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return work({ run: (statement) => this.run(this.main, 'GRAPH.QUERY', statement) });
  }

  read<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return work({ run: (statement) => this.run(this.main, 'GRAPH.RO_QUERY', statement) });
  }

  async schema(statement: Statement): Promise<void> {
    try {
      await this.run(this.main, 'GRAPH.QUERY', statement);
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
    const connection = (this.queries ??= this.connection());
    const timeout = Math.max(1, Math.round(options.timeoutMs));
    const timedOut = () => new StoreError(`The query ran longer than its timeout of ${timeout} ms on ${this.address} and was stopped.`);
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        if (this.queries === connection) this.queries = undefined;
        connection.destroy();
        reject(timedOut());
      }, timeout + 1_000);
    });
    let reply: RespValue;
    try {
      const command = connection.command(['GRAPH.RO_QUERY', this.graph, withParameters(text, params), 'TIMEOUT', String(timeout), '--compact']);
      command.catch(() => {});
      reply = await Promise.race([command, guard]);
      const failure = asArray(reply).find((part) => part instanceof RespError);
      if (failure instanceof RespError) throw new Error(failure.message);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      if (/timed out/i.test((error as Error).message)) throw timedOut();
      throw this.problem(error, 'The query');
    } finally {
      clearTimeout(timer);
    }
    const { columns, rows } = await this.decode(reply);
    const truncated = rows.length > options.rowLimit;
    return { columns, rows: truncated ? rows.slice(0, options.rowLimit) : rows, truncated };
  }

  async close(): Promise<void> {
    await Promise.all([this.main.close(), this.queries?.close()]);
  }

  private connection(): RespConnection {
    return new RespConnection({
      host: this.config.host,
      port: this.config.port,
      tls: this.config.tls,
      username: this.config.username,
      password: this.config.password,
    });
  }

  private async run(connection: RespConnection, command: 'GRAPH.QUERY' | 'GRAPH.RO_QUERY', statement: Statement): Promise<Row[]> {
    let reply: RespValue;
    try {
      reply = await connection.command([command, this.graph, withParameters(statement.text, statement.params), '--compact']);
    } catch (error) {
      throw this.problem(error, statement.purpose);
    }
    const failure = asArray(reply).find((part) => part instanceof RespError);
    if (failure instanceof RespError) throw this.problem(new Error(failure.message), statement.purpose);
    return (await this.decode(reply)).rows;
  }

  private problem(error: unknown, purpose: string): StoreError {
    if (error instanceof StoreError) return error;
    if (error instanceof RespConnectionError) return connectionProblem(this.config, error);
    const message = (error as Error).message;
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message)) return authenticationFailed(this.config);
    if (/unknown command/i.test(message) && /graph\./i.test(message)) {
      return new StoreError(`${this.address} answers but has no FalkorDB module loaded (${message}). Load it with --loadmodule <falkordb.so>.`);
    }
    return new StoreError(`${purpose} failed on ${this.address}: ${message}`);
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
      const rows = await this.run(this.main, 'GRAPH.RO_QUERY', { text: `CALL ${procedure}() YIELD ${column} RETURN ${column}`, purpose: `reading ${procedure}` });
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
