/** What the Cypher store needs from a connection, whichever wire protocol carries it. */
import type { DialectName } from './dialect.js';

export interface Statement {
  text: string;
  params?: Record<string, unknown>;
  /** What the statement is for, to name it when it fails ("writing 1000 VirtualMachine nodes"). */
  purpose: string;
}

/** A result row with plain JSON values. */
export type Row = Record<string, unknown>;

export interface StatementRunner {
  run(statement: Statement): Promise<Row[]>;
}

export interface ReadQueryOptions {
  timeoutMs: number;
  rowLimit: number;
}

export interface ReadQueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export interface CypherTransport {
  readonly dialect: DialectName;
  /** The server's address without credentials. */
  readonly address: string;
  /** The largest statement (text with parameters) the server takes, when it has such a limit. */
  readonly maxStatementBytes?: number | undefined;
  /**
   * Runs `work` as one write transaction where the server has them (Neo4j);
   * on FalkorDB each statement is atomic on its own and there is no wider
   * transaction (see dialect.ts).
   */
  write<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T>;
  read<T>(work: (runner: StatementRunner) => Promise<T>): Promise<T>;
  /** Schema statements: outside any data transaction, one at a time. */
  schema(statement: Statement): Promise<void>;
  /** A caller's query, read-only, with a server-side timeout where the server has one. */
  readQuery(text: string, params: Record<string, unknown>, options: ReadQueryOptions): Promise<ReadQueryResult>;
  close(): Promise<void>;
}
