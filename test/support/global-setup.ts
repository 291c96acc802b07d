/**
 * Vitest global setup: provides the graph server for the Bolt/Cypher store
 * suites (see falkordb-server.ts), started once per run and stopped at the end.
 * Without one: under CI the run fails with how to install it; elsewhere the
 * suites are skipped and this says so once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type GraphServerInfo, INSTALL_HINT, type RunningFalkorDB, startFalkorDB } from './falkordb-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Test certificates of every worker go here, and go when the run ends (see https-server.ts).
  const tlsDir = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-test-tls-'));
  process.env.REACHGRAPH_TEST_TLS_DIR = tlsDir;
  const removeTls = () => rm(tlsDir, { recursive: true, force: true });
  const uri = process.env.NEO4J_URI?.trim();
  if (uri) {
    project.provide('graphServer', { kind: 'neo4j', uri });
    console.log(`graph store tests: using Neo4j at ${uri.replace(/\/\/[^@/]*@/, '//')} (NEO4J_URI)`);
    return removeTls;
  }
  let server: RunningFalkorDB | undefined;
  let info: GraphServerInfo;
  try {
    server = await startFalkorDB();
    info = server.info;
    console.log(`graph store tests: FalkorDB (module ${info.version}) on 127.0.0.1:${info.port}, Bolt ${info.boltPort}, pid ${info.pid}`);
  } catch (error) {
    const reason = `cannot start FalkorDB: ${(error as Error).message}`;
    if (process.env.CI) throw new Error(`${reason}\n${INSTALL_HINT}`);
    info = { kind: 'unavailable', reason };
    console.warn(`\n⚠ graph store tests: SKIPPING the Neo4j/FalkorDB store suites (${reason}). ${INSTALL_HINT}\n`);
  }
  project.provide('graphServer', info);
  return async () => {
    await server?.stop();
    await removeTls();
  };
}
