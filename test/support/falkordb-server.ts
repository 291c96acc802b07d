/**
 * The graph database the store tests run against.
 *
 * - NEO4J_URI set: that Neo4j 5 server (NEO4J_USERNAME / NEO4J_PASSWORD /
 *   NEO4J_DATABASE). Its database is emptied before each test, so the tests
 *   refuse a database that holds data they did not write, and test files
 *   take turns (a lock file) because they share it.
 * - Otherwise FalkorDB: `valkey-server` with the FalkorDB module from the npm
 *   package @falkordblite/linux-x64 (its own redis-server needs a newer
 *   glibc; only its falkordb.so is used), started once per test run by
 *   test/support/global-setup.ts on free ports and stopped at the end. Every
 *   test store gets its own graph, so test files run in parallel.
 */
import { afterAll } from 'vitest';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import { GraphDatabaseStore, type GraphDatabaseStoreOptions } from '../../src/store/cypher/graph-database-store.js';
import { FalkorDB } from 'falkordb';

export type GraphServerInfo =
  | { kind: 'falkordb'; host: string; port: number; boltPort: number; pid: number; user: string; password: string; version: string }
  | { kind: 'neo4j'; uri: string }
  | { kind: 'unavailable'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    graphServer: GraphServerInfo;
  }
}

/** How to get FalkorDB onto a Debian machine, for messages. */
export const INSTALL_HINT =
  'Install valkey-server (Debian bookworm: `apt-get install -y -t bookworm-backports valkey-server` after adding ' +
  '`deb http://deb.debian.org/debian bookworm-backports main`; `bash .ci/run` does this) and run `npm ci` for ' +
  '@falkordblite/linux-x64, or point NEO4J_URI at a scratch Neo4j 5 database.';

export function findValkeyServer(): string | undefined {
  const candidates = [process.env.VALKEY_SERVER, ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'valkey-server')), '/usr/bin/valkey-server'];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

export function findFalkorDBModule(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const file = path.join(path.dirname(require.resolve('@falkordblite/linux-x64/package.json')), 'bin', 'falkordb.so');
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}

function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A port nothing listens on. FalkorDB 4.16 reads BOLT_PORT as a 16-bit signed
 * number (a port above 32767 silently gets no Bolt listener), so ports are
 * drawn below the kernel's ephemeral range.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = await bindable(20_000 + Math.floor(Math.random() * 12_000));
    if (port !== undefined) return port;
  }
  const port = await bindable(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface RunningFalkorDB {
  info: Extract<GraphServerInfo, { kind: 'falkordb' }>;
  stop(): Promise<void>;
}

/** Starts valkey-server with FalkorDB and its Bolt port; resolves once both ports answer and the module replies. `ports` restarts one where another ran. */
export async function startFalkorDB(ports?: { port: number; boltPort: number }): Promise<RunningFalkorDB> {
  const binary = findValkeyServer();
  if (!binary) throw new Error('valkey-server is not installed.');
  const module = findFalkorDBModule();
  if (!module) throw new Error('the npm package @falkordblite/linux-x64 (falkordb.so) is not installed.');
  const port = ports?.port ?? (await freePort());
  let boltPort = ports?.boltPort ?? (await freePort());
  while (boltPort === port) boltPort = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loadmodule', module, 'BOLT_PORT', String(boltPort)],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  child.once('error', (error) => output.push(String(error)));

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const killer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 5_000);
    await exit;
    clearTimeout(killer);
  };

  const deadline = Date.now() + 15_000;
  while (!(await portAnswers(port)) || !(await portAnswers(boltPort))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`valkey-server with FalkorDB did not start: ${output.join('').trim().split('\n').slice(-5).join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // A user with a password, for the wrong-password test; the default user stays open.
  const password = randomUUID();
  const user = 'reachgraph-test';
  const admin = await FalkorDB.connect({ socket: { host: '127.0.0.1', port } });
  let version = 'unknown';
  try {
    const connection = await admin.connection;
    await connection.sendCommand(['ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all']);
    const modules = await connection.sendCommand(['MODULE', 'LIST']);
    const graph = JSON.stringify(modules).match(/"ver",(\d+)/);
    if (graph?.[1]) version = graph[1];
  } finally {
    await admin.close();
  }
  return { info: { kind: 'falkordb', host: '127.0.0.1', port, boltPort, pid: child.pid!, user, password, version }, stop };
}

/** A test's own store address: a fresh FalkorDB graph, or the shared Neo4j database. */
export function storeAddress(server: GraphServerInfo, graph = `test-${randomUUID()}`): string {
  if (server.kind === 'falkordb') return `falkordb://${server.host}:${server.port}/${graph}`;
  if (server.kind === 'neo4j') return server.uri;
  throw new Error(`no graph server: ${server.reason}`);
}

/** Drops a FalkorDB test graph (the server is stopped at the end anyway). */
export async function dropGraph(server: GraphServerInfo, address: string): Promise<void> {
  if (server.kind !== 'falkordb') return;
  const graph = decodeURIComponent(new URL(address).pathname.slice(1));
  const db = await FalkorDB.connect({ socket: { host: server.host, port: server.port } });
  try {
    await db.selectGraph(graph).delete().catch(() => {});
  } finally {
    await db.close();
  }
}

const LEASE_DIR = path.join(os.tmpdir(), 'reachgraph-test-neo4j-lease');

let turn: { holders: number; release: () => Promise<void> } | undefined;

/**
 * Neo4j only: test files share one database, so they take turns (a lock file
 * across test processes; nested turns within one file share it). Returns the
 * release function. A lease older than 10 minutes is taken to be a dead run's.
 */
export async function takeNeo4jTurn(): Promise<() => Promise<void>> {
  const done = async () => {
    if (!turn) return;
    turn.holders -= 1;
    if (turn.holders === 0) {
      const { release } = turn;
      turn = undefined;
      await release();
    }
  };
  if (turn) {
    turn.holders += 1;
    return done;
  }
  await mkdir(LEASE_DIR, { recursive: true });
  const file = path.join(LEASE_DIR, 'lease');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (turn) {
      turn.holders += 1;
      return done;
    }
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      turn = { holders: 1, release: () => rm(file, { force: true }) };
      return done;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 10 * 60_000) await rm(file, { force: true });
      if (Date.now() > deadline) throw new Error('waited 10 minutes for another test file to finish with the Neo4j database');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const MARKER = 'ReachgraphTestDatabase';

/**
 * Neo4j only: empties the database for the next test. Refuses a database
 * holding data but no marker of an earlier test run, so a NEO4J_URI that
 * points at real data is never wiped.
 */
export async function emptyNeo4jDatabase(uri: string): Promise<void> {
  const username = process.env.NEO4J_USERNAME;
  const auth = username ? neo4j.auth.basic(username, process.env.NEO4J_PASSWORD ?? '') : (neo4j.auth as unknown as { none(): never }).none();
  const driver = neo4j.driver(uri, auth, { disableLosslessIntegers: true });
  const database = process.env.NEO4J_DATABASE || undefined;
  const session = driver.session(database ? { database } : {});
  try {
    const result = await session.run(`OPTIONAL MATCH (m:${MARKER}) WITH count(m) AS markers MATCH (n) RETURN markers, count(n) AS nodes`);
    const markers = Number(result.records[0]?.get('markers') ?? 0);
    const nodes = Number(result.records[0]?.get('nodes') ?? 0);
    if (nodes > 0 && markers === 0) {
      throw new Error(
        `NEO4J_URI (${uri}) points at a database with ${nodes} node(s) that no test run wrote. ` +
          `The store tests empty the database before each test: point NEO4J_URI at a scratch database, or unset it to test against FalkorDB.`,
      );
    }
    await session.run(`MATCH (n) WHERE NOT n:${MARKER} DETACH DELETE n`);
    await session.run(`MERGE (:${MARKER} {note: 'reachgraph tests empty this database before each test'})`);
  } finally {
    await session.close();
    await driver.close();
  }
}

/** Generous: CI runs every test file at once on two cores. */
const STORE_TEST_TIMEOUT_MS = 30_000;

/** A handle over `address`: each open() is another store there; dispose() closes them all, then runs `cleanup`. */
function storeHandle(address: string, options: GraphDatabaseStoreOptions, cleanup: () => Promise<void> = async () => {}) {
  const opened: GraphDatabaseStore[] = [];
  return {
    address,
    async open() {
      const store = await GraphDatabaseStore.open(address, options);
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.map((store) => store.close()));
      await cleanup();
    },
  };
}

/**
 * Store handles for the contract suites: each `fresh()` is an empty graph
 * (its own FalkorDB graph; on Neo4j, the emptied database, one test file at a
 * time). `open()` gives another connection to the same graph.
 */
export function cypherBackend(
  server: GraphServerInfo,
  name = server.kind === 'neo4j' ? 'GraphDatabaseStore on Neo4j' : 'GraphDatabaseStore on FalkorDB',
  options: GraphDatabaseStoreOptions = {},
) {
  return {
    name,
    unavailable: server.kind === 'unavailable' ? server.reason : undefined,
    timeoutMs: STORE_TEST_TIMEOUT_MS,
    async fresh() {
      const release = server.kind === 'neo4j' ? await takeNeo4jTurn() : async () => {};
      try {
        if (server.kind === 'neo4j') await emptyNeo4jDatabase(server.uri);
      } catch (error) {
        await release();
        throw error;
      }
      const address = storeAddress(server);
      return storeHandle(address, options, async () => {
        await dropGraph(server, address);
        await release();
      });
    },
  };
}

/**
 * The same store handles on FalkorDB's Bolt endpoint, reached by
 * neo4j-driver with `neo4j.auth.none()`. That endpoint has one graph
 * (`falkordb`), so the test file gets a FalkorDB of its own, started on
 * first use and stopped after the file; each `fresh()` empties the graph.
 * Unavailable when the run uses Neo4j (NEO4J_URI): then the Bolt suites are
 * the Neo4j ones.
 */
export function falkordbBoltBackend(server: GraphServerInfo, name = 'GraphDatabaseStore on FalkorDB over Bolt', options: GraphDatabaseStoreOptions = {}) {
  let own: Promise<RunningFalkorDB> | undefined;
  afterAll(async () => {
    await (await own?.catch(() => undefined))?.stop();
  });
  return {
    name,
    unavailable: server.kind === 'falkordb' ? undefined : server.kind === 'neo4j' ? 'the run uses Neo4j (NEO4J_URI)' : server.reason,
    timeoutMs: STORE_TEST_TIMEOUT_MS,
    async fresh() {
      const running = await (own ??= startFalkorDB());
      await dropGraph(running.info, `falkordb://127.0.0.1:${running.info.port}/falkordb`);
      return storeHandle(`bolt://127.0.0.1:${running.info.boltPort}`, { ...options, env: {} });
    },
  };
}
