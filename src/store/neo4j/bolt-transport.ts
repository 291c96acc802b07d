/** Neo4j 5 through neo4j-driver: sessions, transactions, and errors that say what to do. */
import neo4j, { type AuthToken, type Driver, type ManagedTransaction, type Session } from 'neo4j-driver';
import { StoreError } from '../graph-store.js';
import type { ConnectionConfig } from './config.js';
import { checkNeo4jVersion, DIALECTS, detectBoltDialect, dialectOverride, falkordbOverBoltError } from './dialect.js';
import type { CypherTransport, ReadQueryOptions, ReadQueryResult, Row, Statement, StatementRunner } from './transport.js';
import { fromBolt, toBoltParameter } from './values.js';

function boltParameters(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params ?? {})) result[name] = toBoltParameter(value);
  return result;
}

const code = (error: unknown) => String((error as { code?: unknown }).code ?? '');
const message = (error: unknown) => String((error as Error)?.message ?? error);

function isAuthenticationFailure(error: unknown): boolean {
  return /Security\.(Unauthorized|AuthenticationRateLimit|CredentialsExpired)/.test(code(error)) || /authentication failure|unauthorized/i.test(message(error));
}

function isUnreachable(error: unknown): boolean {
  return code(error) === 'ServiceUnavailable' || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|Failed to connect|Failed to establish connection/i.test(message(error));
}

/** Translates a driver error into a StoreError that names the address and what to do; never includes credentials. */
export function boltProblem(config: ConnectionConfig, error: unknown, purpose: string): StoreError {
  if (error instanceof StoreError) return error;
  if (isAuthenticationFailure(error)) {
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
  if (/Database\.DatabaseNotFound/.test(code(error))) {
    return new StoreError(`${config.address} has no database ${config.database ?? ''}: check NEO4J_DATABASE.`);
  }
  if (/TransactionTimedOut|TransactionTimedOutClientConfiguration/.test(code(error))) {
    return new StoreError(`${purpose} ran longer than its timeout on ${config.address} and was stopped.`);
  }
  const text = message(error).trim();
  if (!text) {
    // FalkorDB's Bolt endpoint refuses a login with a bare failure: no code the driver keeps, no message.
    return new StoreError(`${purpose} failed on ${config.address}: the server gave no reason. Check NEO4J_USERNAME and NEO4J_PASSWORD.`);
  }
  return new StoreError(`${purpose} failed on ${config.address}: ${text}`);
}

function runnerOf(tx: ManagedTransaction | Session, track: (purpose: string) => void): StatementRunner {
  return {
    async run(statement: Statement): Promise<Row[]> {
      track(statement.purpose);
      const result = await tx.run(statement.text, boltParameters(statement.params));
      return result.records.map((record) => {
        const row: Row = {};
        for (const key of record.keys) row[String(key)] = fromBolt(record.get(key));
        return row;
      });
    },
  };
}

export class BoltTransport implements CypherTransport {
  readonly dialect = 'neo4j' as const;
  readonly address: string;

  private constructor(
    private readonly config: ConnectionConfig,
    private readonly driver: Driver,
  ) {
    this.address = config.address;
  }

  static async connect(config: ConnectionConfig): Promise<BoltTransport> {
    // neo4j-driver's typings omit auth.none(), which it has at run time.
    const none = (neo4j.auth as unknown as { none(): AuthToken }).none;
    const auth = config.username ? neo4j.auth.basic(config.username, config.password ?? '') : none();
    let driver: Driver;
    try {
      driver = neo4j.driver(config.uri, auth, {
        disableLosslessIntegers: true,
        connectionTimeout: 15_000,
        maxConnectionPoolSize: 20,
        logging: { level: 'error', logger: () => {} },
      });
    } catch (error) {
      throw new StoreError(`Cannot use the graph database address ${config.address}: ${message(error)}`);
    }
    const transport = new BoltTransport(config, driver);
    try {
      await driver.verifyConnectivity(config.database ? { database: config.database } : {});
      const dialect = dialectOverride() ?? (await transport.detect());
      if (dialect === 'falkordb') throw falkordbOverBoltError(config.address, config.port);
    } catch (error) {
      await driver.close().catch(() => {});
      throw boltProblem(config, error, 'connecting');
    }
    return transport;
  }

  private async detect() {
    const session = this.session('READ');
    try {
      const { dialect, version } = await detectBoltDialect(runnerOf(session, () => {}));
      if (dialect === 'neo4j') checkNeo4jVersion(this.address, version);
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
        ? await session.executeRead((tx) => work(runnerOf(tx, track)))
        : await session.executeWrite((tx) => work(runnerOf(tx, track)));
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
      if (!DIALECTS.neo4j.schemaAlreadyThere(`${code(error)} ${message(error)}`)) throw boltProblem(this.config, error, statement.purpose);
    } finally {
      await session.close();
    }
  }

  /** Streams rows in a READ transaction with a server-side timeout, stopping after `rowLimit`. */
  async readQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult> {
    const session = this.session('READ');
    let timer: NodeJS.Timeout | undefined;
    const work = session.executeRead(
      async (tx) => {
        const result = tx.run(text, boltParameters(params));
        const columns = (await result.keys()).map(String);
        const rows: Record<string, unknown>[] = [];
        let truncated = false;
        for await (const record of result) {
          if (rows.length === options.rowLimit) {
            truncated = true;
            break;
          }
          const row: Record<string, unknown> = {};
          for (const column of columns) row[column] = fromBolt(record.get(column));
          rows.push(row);
        }
        return { columns, rows, truncated };
      },
      { timeout: Math.max(1, Math.round(options.timeoutMs)) },
    );
    // The server enforces the timeout; this only guards against a server that does not answer at all.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('no answer in time'), { code: 'Neo.ClientError.Transaction.TransactionTimedOut' })), options.timeoutMs + 5_000);
    });
    try {
      return await Promise.race([work, guard]);
    } catch (error) {
      throw boltProblem(this.config, error, 'The query');
    } finally {
      clearTimeout(timer);
      work.catch(() => {});
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
