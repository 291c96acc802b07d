/**
 * Bolt through neo4j-driver: Neo4j 5, or FalkorDB's Bolt endpoint.
 *
 * FalkorDB behind a Bolt address is reached through a loopback relay
 * (bolt-message-relay.ts says why), with parameters written into the
 * statement (it pastes Bolt parameters into the query unescaped) and each
 * statement held under FALKORDB_BOLT_MAX_STATEMENT_BYTES. Its graph is
 * always `falkordb`. `falkordb://` (its own protocol) has none of these
 * limits and is the better way to FalkorDB; this one exists so a Bolt
 * address works whichever server answers.
 */
import neo4j, { type AuthToken, type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { StoreError } from '../graph-store.js';
import { BoltMessageRelay } from './bolt-message-relay.js';
import type { ConnectionConfig } from './config.js';
import { checkNeo4jVersion, DIALECTS, type DialectName, detectBoltDialect, dialectOverride, falkordbGraphOverBolt } from './dialect.js';
import type { CypherTransport, ReadQueryOptions, ReadQueryResult, Row, Statement, StatementRunner } from './transport.js';
import { writeClauseIn } from './read-only.js';
import { fromBolt, inlineParameters, toBoltParameter } from './values.js';

/**
 * FalkorDB 4.16.3 misreads a Bolt message of more than one 64 KB chunk even
 * when it arrives in one write (measured: 65,400 bytes answer, 66,000 hang).
 */
export const FALKORDB_BOLT_MAX_STATEMENT_BYTES = 65_000;

/** What a statement becomes on the wire: Bolt parameters (Neo4j), or its text with the parameters written in (FalkorDB). */
function wireStatement(dialect: DialectName, text: string, params: Record<string, unknown> | undefined): [string, Record<string, unknown>] {
  if (dialect === 'falkordb') {
    const inlined = inlineParameters(text, params);
    const bytes = Buffer.byteLength(inlined);
    if (bytes > FALKORDB_BOLT_MAX_STATEMENT_BYTES) {
      throw new StoreError(
        `A statement of ${Math.ceil(bytes / 1024)} KB is over what FalkorDB's Bolt endpoint can take (${FALKORDB_BOLT_MAX_STATEMENT_BYTES / 1000} KB). ` +
          `Use FalkorDB's own protocol, which has no such limit: --store falkordb://<host>:6379/<graph>.`,
      );
    }
    return [inlined, {}];
  }
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) result[name] = toBoltParameter(value);
  return [text, result];
}

const code = (error: unknown) => String((error as { code?: unknown }).code ?? '');
const message = (error: unknown) => String((error as Error)?.message ?? error);

/**
 * FalkorDB's Bolt endpoint refuses a login with a bare FAILURE (its code is not one the driver keeps, and there
 * is no message), and a bare failure while connecting is nothing else.
 */
function isAuthenticationFailure(error: unknown, purpose: string): boolean {
  return (
    /Security\.(Unauthorized|AuthenticationRateLimit|CredentialsExpired)/.test(code(error)) ||
    /authentication failure|unauthorized/i.test(message(error)) ||
    (purpose === 'connecting' && !message(error).trim())
  );
}

function isUnreachable(error: unknown): boolean {
  return code(error) === 'ServiceUnavailable' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Failed to connect|Failed to establish connection/i.test(message(error));
}

/** Translates a driver error into a StoreError that names the address and what to do; never includes credentials. */
export function boltProblem(config: ConnectionConfig, error: unknown, purpose: string): StoreError {
  if (error instanceof StoreError) return error;
  if (isAuthenticationFailure(error, purpose)) {
    return new StoreError(
      `Authentication to the graph database at ${config.address} failed. ` +
        `Check NEO4J_USERNAME and NEO4J_PASSWORD${config.username ? ` (user ${config.username})` : ' (no user name is set)'}.`,
    );
  }
  if (isUnreachable(error)) {
    const text = message(error);
    const reason = /ECONNREFUSED/.test(text)
      ? 'connection refused'
      : /ENOTFOUND|EAI_AGAIN/.test(text)
        ? `unknown host ${config.host}`
        : /Failed to establish connection in/.test(text)
          ? 'no answer in time'
          : text.replace(/^Failed to connect to server\..*?Caused by: /s, '');
    return new StoreError(`Cannot reach the graph database at ${config.address} (${reason}). ${DIALECTS.neo4j.startHint}`);
  }
  if (/certificate|CERT_|ERR_TLS/i.test(`${code(error)} ${message(error)}`)) {
    return new StoreError(
      `The graph database at ${config.address} did not present a certificate this machine trusts (${message(error)}). ` +
        `Trust its CA with NODE_EXTRA_CA_CERTS=<ca.pem>, or accept a self-signed certificate with bolt+ssc:// (neo4j+ssc://).`,
    );
  }
  if (/Database\.DatabaseNotFound/.test(code(error))) {
    return new StoreError(`${config.address} has no database ${config.database ?? ''}: check NEO4J_DATABASE.`);
  }
  if (/TransactionTimedOut|TransactionTimedOutClientConfiguration/.test(code(error))) {
    return new StoreError(`${purpose} ran longer than its timeout on ${config.address} and was stopped.`);
  }
  const text = message(error).trim() || 'the server gave no reason';
  return new StoreError(`${purpose} failed on ${config.address}: ${text}`);
}

function runnerOf(tx: ManagedTransaction | Session, dialect: DialectName, track: (purpose: string) => void): StatementRunner {
  return {
    async run(statement: Statement): Promise<Row[]> {
      track(statement.purpose);
      const result = await tx.run(...wireStatement(dialect, statement.text, statement.params));
      return result.records.map((record) => {
        const row: Row = {};
        for (const key of record.keys) row[String(key)] = fromBolt(record.get(key));
        return row;
      });
    },
  };
}

function openDriver(uri: string, config: ConnectionConfig): Driver {
  // neo4j-driver's typings omit auth.none(), which it has at run time.
  const none = (neo4j.auth as unknown as { none(): AuthToken }).none;
  const auth = config.username ? neo4j.auth.basic(config.username, config.password ?? '') : none();
  try {
    return neo4j.driver(uri, auth, {
      disableLosslessIntegers: true,
      connectionTimeout: 15_000,
      maxConnectionPoolSize: 20,
      logging: { level: 'error', logger: () => {} },
    });
  } catch (error) {
    throw new StoreError(`Cannot use the graph database address ${config.address}: ${message(error)}`);
  }
}

export class BoltTransport implements CypherTransport {
  readonly address: string;
  readonly maxStatementBytes: number | undefined;

  private constructor(
    private readonly config: ConnectionConfig,
    private readonly driver: Driver,
    readonly dialect: DialectName,
    private readonly relay?: BoltMessageRelay,
  ) {
    this.address = config.address;
    this.maxStatementBytes = dialect === 'falkordb' ? FALKORDB_BOLT_MAX_STATEMENT_BYTES : undefined;
  }

  /**
   * Neo4j is spoken to directly. A Bolt address is first reached through the
   * relay, because a FalkorDB behind it must never see a connection without
   * one (even closing one would stall the server); when Neo4j answers, the
   * relay is dropped and the driver connects (or routes, for neo4j://) on
   * its own. FalkorDB is one server: a neo4j:// address to it is served like
   * bolt:// (its routing table would name localhost:7687).
   */
  static async connect(config: ConnectionConfig): Promise<BoltTransport> {
    const override = dialectOverride();
    if (override === 'neo4j') return BoltTransport.start(config, config.uri, 'neo4j', undefined);
    let relay: BoltMessageRelay;
    try {
      relay = await BoltMessageRelay.start({ host: config.host, port: config.port, tls: config.tls, trustAnyCertificate: /\+ssc:/.test(config.uri) });
    } catch (error) {
      throw new StoreError(`Cannot open a local relay to ${config.address}: ${message(error)}`);
    }
    const transport = await BoltTransport.start(config, relay.uri, override, relay);
    if (transport.dialect === 'falkordb') {
      if (config.database !== undefined) {
        await transport.close();
        throw falkordbGraphOverBolt(config.address, config.database);
      }
      return transport;
    }
    await transport.close();
    return BoltTransport.start(config, config.uri, 'neo4j', undefined);
  }

  /** Opens a driver to `uri`, checks the server answers, and learns its dialect unless `known`. */
  private static async start(config: ConnectionConfig, uri: string, known: DialectName | undefined, relay: BoltMessageRelay | undefined): Promise<BoltTransport> {
    const driver = openDriver(uri, config);
    try {
      await driver.verifyConnectivity(config.database ? { database: config.database } : {});
      const dialect = known ?? (await BoltTransport.detect(driver, config));
      return new BoltTransport(config, driver, dialect, relay);
    } catch (error) {
      await driver.close().catch(() => {});
      await relay?.close();
      throw boltProblem(config, relay?.lastUpstreamError ?? error, 'connecting');
    }
  }

  private static async detect(driver: Driver, config: ConnectionConfig): Promise<DialectName> {
    // A write session in the default database: FalkorDB takes the first key of a statement's extras as the graph
    // (`mode` in a read session, `db` with a database), and would create that graph.
    const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
    try {
      const { dialect, version } = await detectBoltDialect(runnerOf(session, 'neo4j', () => {}));
      if (dialect === 'neo4j') checkNeo4jVersion(config.address, version);
      return dialect;
    } finally {
      await session.close();
    }
  }

  private session(mode: 'READ' | 'WRITE'): Session {
    return this.driver.session({
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      ...(this.config.database ? { database: this.config.database } : {}),
    });
  }

  private async transaction<T>(mode: 'READ' | 'WRITE', work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    const session = this.session(mode);
    let purpose = mode === 'READ' ? 'reading' : 'writing';
    const track = (current: string) => {
      purpose = current;
    };
    try {
      return mode === 'READ'
        ? await session.executeRead((tx) => work(runnerOf(tx, this.dialect, track)))
        : await session.executeWrite((tx) => work(runnerOf(tx, this.dialect, track)));
    } catch (error) {
      throw boltProblem(this.config, error, purpose);
    } finally {
      await session.close();
    }
  }

  write<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return this.transaction('WRITE', work);
  }

  read<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T> {
    return this.transaction('READ', work);
  }

  async schema(statement: Statement): Promise<void> {
    const session = this.session('WRITE');
    try {
      await session.run(statement.text);
    } catch (error) {
      if (!DIALECTS[this.dialect].schemaAlreadyThere(`${code(error)} ${message(error)}`)) throw boltProblem(this.config, error, statement.purpose);
    } finally {
      await session.close();
    }
  }

  /**
   * Streams rows in a READ transaction with a server-side timeout, stopping
   * after `rowLimit`. FalkorDB's Bolt endpoint ignores the timeout (and the
   * READ mode: the saved-query guard refuses writes before they are sent),
   * so there the answer is given up a second after the timeout.
   */
  async readQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult> {
    const clause = this.dialect === 'falkordb' ? writeClauseIn(text) : undefined;
    if (clause) throw new StoreError(`The query was refused: it writes (${clause}), and ${this.address} (FalkorDB over Bolt) cannot run a query read-only.`);
    const session = this.session('READ');
    let timer: NodeJS.Timeout | undefined;
    const work = session.executeRead(
      async (tx) => {
        const result = tx.run(...wireStatement(this.dialect, text, params));
        const columns = (await result.keys()).map(String);
        const toRow = (record: { get(key: string): unknown }) => Object.fromEntries(columns.map((column) => [column, fromBolt(record.get(column))]));
        if (this.dialect === 'falkordb') {
          // FalkorDB sends every record at once and never answers the DISCARD that stopping early would send.
          const { records } = await result;
          return { columns, rows: records.slice(0, options.rowLimit).map(toRow), truncated: records.length > options.rowLimit };
        }
        const rows: Record<string, unknown>[] = [];
        let truncated = false;
        for await (const record of result) {
          if (rows.length === options.rowLimit) {
            truncated = true;
            break;
          }
          rows.push(toRow(record));
        }
        return { columns, rows, truncated };
      },
      { timeout: Math.max(1, Math.round(options.timeoutMs)) },
    );
    // Neo4j enforces the timeout; this guards against a server that does not.
    let timedOut = false;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(Object.assign(new Error('no answer in time'), { code: 'Neo.ClientError.Transaction.TransactionTimedOut' }));
      }, options.timeoutMs + (this.dialect === 'falkordb' ? 1_000 : 5_000));
    });
    try {
      return await Promise.race([work, guard]);
    } catch (error) {
      throw boltProblem(this.config, error, 'The query');
    } finally {
      clearTimeout(timer);
      work.catch(() => {});
      // A session still waiting for its answer would hold the caller until the server finishes.
      const closing = session.close().catch(() => {});
      if (!timedOut) await closing;
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
    await this.relay?.close();
  }
}
