import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { FalkorDB } from 'falkordb';
import neo4j from 'neo4j-driver';
import request from 'supertest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ANALYSIS_STATE_ID } from '../../../src/model/results.js';
import { EmbeddedStore } from '../../../src/store/embedded-store.js';
import { StoreError } from '../../../src/store/graph-store.js';
import { parseConnectionConfig } from '../../../src/store/cypher/config.js';
import { isCypherStore } from '../../../src/store/cypher/cypher-store.js';
import { checkNeo4jVersion, detectBoltDialect, dialectOverride } from '../../../src/store/cypher/dialect.js';
import type { Row } from '../../../src/store/cypher/transport.js';
import { GraphDatabaseStore } from '../../../src/store/cypher/graph-database-store.js';
import { cypherLiteral, fromBolt, toBoltParameter } from '../../../src/store/cypher/values.js';
import { openStore, resolveStoreSpec } from '../../../src/store/open.js';
import { startServer } from '../../../src/serve/server.js';
import { cypherBackend, dropGraph, falkordbBoltBackend, freePort, startFalkorDB, storeAddress } from '../../support/falkordb-server.js';
import { node, type StoreHandle, storeContract } from '../contract.js';

const server = inject('graphServer');
const backend = cypherBackend(server);

storeContract(backend);
// The other way of swapping analysis results (Neo4j's, in one transaction) and small statements, on whichever server runs.
if (server.kind === 'falkordb') storeContract(cypherBackend(server, 'GraphDatabaseStore on FalkorDB (results in one go, 2-row statements)', { resultsSwap: 'transaction', statementRows: 2 }));
// neo4j-driver's side of the store (sessions, transactions, records, errors) against a real Bolt server.
const bolt = falkordbBoltBackend(server);
storeContract(bolt);

describe('store addresses and configuration', () => {
  it('never puts credentials into the location, and takes them from the address or NEO4J_USERNAME/NEO4J_PASSWORD', () => {
    const fromAddress = parseConnectionConfig('bolt://alice:s3cr%40t@db.example:7688', {});
    expect(fromAddress).toMatchObject({ transport: 'bolt', username: 'alice', password: 's3cr@t', host: 'db.example', port: 7688, database: undefined, tls: false });
    expect(fromAddress.address).toBe('bolt://db.example:7688');
    expect(fromAddress.uri).toBe('bolt://db.example:7688');
    const fromEnv = parseConnectionConfig('neo4j+s://cluster.example', { NEO4J_USERNAME: 'neo4j', NEO4J_PASSWORD: 'pw', NEO4J_DATABASE: 'graphs' });
    expect(fromEnv).toMatchObject({ username: 'neo4j', password: 'pw', port: 7687, tls: true, database: 'graphs' });
    expect(fromEnv.address).toBe('neo4j+s://cluster.example:7687 (database graphs)');
    expect(JSON.stringify([fromEnv.address, fromEnv.uri])).not.toContain('pw');
  });

  it('uses the graph key from the address, NEO4J_DATABASE, or reachgraph for FalkorDB', () => {
    expect(parseConnectionConfig('falkordb://h', {}).address).toBe('falkordb://h:6379/reachgraph');
    expect(parseConnectionConfig('falkordb://h:7000', { NEO4J_DATABASE: 'estate' }).database).toBe('estate');
    expect(parseConnectionConfig('falkordbs://u:p@h/prod', { NEO4J_DATABASE: 'estate' })).toMatchObject({ database: 'prod', tls: true, username: 'u', password: 'p' });
    expect(parseConnectionConfig('falkordbs://u:p@h/prod', {}).address).toBe('falkordbs://h:6379/prod');
  });

  it('resolves the store: --store, then REACHGRAPH_STORE, then NEO4J_URI, then the default file', () => {
    const env = { REACHGRAPH_STORE: 'from-env.json', NEO4J_URI: 'bolt://neo4j:7687' };
    expect(resolveStoreSpec('cli.json', env)).toBe('cli.json');
    expect(resolveStoreSpec(undefined, env)).toBe('from-env.json');
    expect(resolveStoreSpec(undefined, { NEO4J_URI: 'bolt://neo4j:7687' })).toBe('bolt://neo4j:7687');
    expect(resolveStoreSpec(undefined, { NEO4J_URI: '' })).toMatch(/graph\.json$/);
  });

  it('reads REACHGRAPH_GRAPH_DIALECT and refuses anything but neo4j or falkordb', () => {
    expect(dialectOverride({})).toBeUndefined();
    expect(dialectOverride({ REACHGRAPH_GRAPH_DIALECT: 'FalkorDB' })).toBe('falkordb');
    expect(dialectOverride({ REACHGRAPH_GRAPH_DIALECT: 'neo4j' })).toBe('neo4j');
    expect(() => dialectOverride({ REACHGRAPH_GRAPH_DIALECT: 'memgraph' })).toThrow(StoreError);
  });

  it('refuses a REACHGRAPH_STATEMENT_ROWS that is not a number of rows before connecting', async () => {
    for (const value of ['0', '2.5', 'lots']) {
      const error = await GraphDatabaseStore.open('bolt://127.0.0.1:1', { env: { REACHGRAPH_STATEMENT_ROWS: value } }).catch((caught: unknown) => caught);
      expect(error, value).toBeInstanceOf(StoreError);
      expect((error as Error).message, value).toBe(`REACHGRAPH_STATEMENT_ROWS=${value} is not a number of rows: use a whole number of at least 1 (default 1000).`);
    }
  });

  it('tells Neo4j from FalkorDB without a failing statement on FalkorDB, and learns Neo4j’s version', async () => {
    const answering = (answers: Record<string, () => Row[]>) => {
      const asked: string[] = [];
      const runner = {
        async run(statement: { text: string }) {
          const procedure = /CALL (\S+)\(/.exec(statement.text)?.[1] ?? '';
          asked.push(procedure);
          const answer = answers[procedure];
          if (!answer) throw new Error(`There is no procedure with the name \`${procedure}\` registered for this database instance.`);
          return answer();
        },
      };
      return { runner, asked };
    };
    const falkordb = answering({ 'dbms.procedures': () => [{ falkordb: 1 }] });
    expect(await detectBoltDialect(falkordb.runner)).toEqual({ dialect: 'falkordb', version: undefined });
    expect(falkordb.asked).toEqual(['dbms.procedures']);

    const neo4j5 = answering({ 'dbms.components': () => [{ name: 'Neo4j Kernel', versions: ['5.26.0'] }] });
    expect(await detectBoltDialect(neo4j5.runner)).toEqual({ dialect: 'neo4j', version: '5.26.0' });

    const neo4j4 = answering({ 'dbms.procedures': () => [{ falkordb: 0 }], 'dbms.components': () => [{ name: 'Neo4j Kernel', versions: ['4.4.30'] }] });
    const { version } = await detectBoltDialect(neo4j4.runner);
    expect(() => checkNeo4jVersion('bolt://old:7687', version)).toThrow('bolt://old:7687 runs Neo4j 4.4.30; reachgraph needs Neo4j 5 or newer.');

    const broken = { run: async () => Promise.reject(new Error('Connection was closed by server')) };
    await expect(detectBoltDialect(broken)).rejects.toThrow('Connection was closed by server');
  });

  it('tells Cypher stores apart from the embedded store', () => {
    expect(isCypherStore(EmbeddedStore.inMemory())).toBe(false);
  });
});

describe('values on the wire', () => {
  it('writes Cypher literals that keep types and escape text', () => {
    expect(cypherLiteral({ a: 1, b: 1.5, c: [1, 2.5], d: [1, 2], e: "it's \\ \n", 'odd key': null, f: true })).toBe(
      "{a: 1, b: 1.5, c: [1.0, 2.5], d: [1, 2], e: 'it\\'s \\\\ \\n', `odd key`: null, f: true}",
    );
    expect(cypherLiteral(1e21)).toBe('1e21');
    expect(() => cypherLiteral(Number.NaN)).toThrow(StoreError);
  });

  it('sends whole numbers to Neo4j as integers and fractions (and lists holding one) as floats', () => {
    const sent = toBoltParameter({ n: 3, f: 0.5, list: [1, 0.5], ints: [1, 2] }) as Record<string, unknown>;
    expect(neo4j.isInt(sent.n)).toBe(true);
    expect(sent.f).toBe(0.5);
    expect(sent.list).toEqual([1, 0.5]);
    expect((sent.ints as unknown[]).every((item) => neo4j.isInt(item))).toBe(true);
  });

  it('turns driver nodes, relationships, paths and integers into plain values', () => {
    const a = new neo4j.types.Node(neo4j.int(1), ['Entity', 'VirtualMachine'], { id: '/vm', kind: 'VirtualMachine', ports: [neo4j.int(22)] }, 'e1');
    const b = new neo4j.types.Node(neo4j.int(2), ['Entity', 'Subnet'], { id: '/subnet' }, 'e2');
    const r = new neo4j.types.Relationship(neo4j.int(3), neo4j.int(1), neo4j.int(2), 'IN_SUBNET', { order: neo4j.int(0) }, 'r3', 'e1', 'e2');
    const p = new neo4j.types.Path(a, b, [new neo4j.types.PathSegment(a, r, b)]);
    expect(fromBolt(a)).toEqual({ id: '/vm', kind: 'VirtualMachine', labels: ['Entity', 'VirtualMachine'], properties: { ports: [22] } });
    expect(fromBolt(r)).toEqual({ kind: 'IN_SUBNET', start: 'e1', end: 'e2', properties: { order: 0 } });
    expect(fromBolt(p)).toEqual({
      nodes: [fromBolt(a), { id: '/subnet', kind: 'Subnet', labels: ['Entity', 'Subnet'], properties: {} }],
      relationships: [{ kind: 'IN_SUBNET', start: '/vm', end: '/subnet', properties: { order: 0 } }],
    });
    expect(fromBolt({ n: neo4j.int(5), list: [neo4j.int(1), 'x', null] })).toEqual({ n: 5, list: [1, 'x', null] });
  });
});

describe('connection problems', () => {
  it('names the address and says how to fix it when nothing listens there', async () => {
    const port = await freePort();
    for (const spec of [`bolt://127.0.0.1:${port}`, `falkordb://127.0.0.1:${port}/g`]) {
      const error = await GraphDatabaseStore.open(spec).catch((caught: unknown) => caught);
      expect(error, spec).toBeInstanceOf(StoreError);
      expect((error as Error).message, spec).toContain(`127.0.0.1:${port}`);
      expect((error as Error).message, spec).toMatch(/Cannot reach the graph database .*connection refused.*Start it .* or pass --store/);
    }
    await expect(openStore(`bolt://127.0.0.1:${port}`)).rejects.toBeInstanceOf(StoreError);
  });

  it('never echoes a password in an error', async () => {
    const port = await freePort();
    const error = await GraphDatabaseStore.open(`bolt://user:hunter2@127.0.0.1:${port}`).catch((caught: unknown) => caught);
    expect((error as Error).message).not.toContain('hunter2');
    expect((error as Error).message).not.toContain('user:');
  });
});

for (const backend of [cypherBackend(server), bolt]) describe.skipIf(!!backend.unavailable)(`${backend.name}: server behaviour`, { timeout: backend.timeoutMs }, () => {
  const handles: StoreHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.dispose()));
  });
  const open = async () => {
    const handle = await backend.fresh();
    handles.push(handle);
    return (await handle.open()) as GraphDatabaseStore;
  };

  it('reports its dialect and location, and is a Cypher store', async () => {
    const store = await open();
    expect(store.dialect).toBe(server.kind === 'neo4j' ? 'neo4j' : 'falkordb');
    expect(isCypherStore(store)).toBe(true);
    expect(store.location).not.toMatch(/@|password/i);
  });

  it('opens the same graph twice (creating the schema is idempotent)', async () => {
    const handle = await backend.fresh();
    handles.push(handle);
    await (await handle.open()).upsertNodes([node('/a', 'AzureResource')]);
    expect(await (await handle.open()).getNode('/a')).toEqual(node('/a', 'AzureResource'));
  });

  it('round-trips awkward parameters and values through a read query', async () => {
    const store = await open();
    // FalkorDB replies with 15 significant digits (0.1 + 0.2 comes back as 0.3), so the fraction here has fewer.
    const value = { text: "it's \"quoted\" \\ and\nnew ✓", whole: 42, fraction: 0.123456789012345, big: 2 ** 52, negative: -7, list: [1, 2.5], empty: [], flag: false, none: null };
    const result = await store.runReadQuery('RETURN $value AS value, $value.whole + 1 AS next', { value }, { timeoutMs: 5_000, rowLimit: 10 });
    expect(result).toEqual({ columns: ['value', 'next'], rows: [{ value, next: 43 }], truncated: false });
  });

  it('returns nodes, relationships and paths as plain objects, and cuts rows at the limit', async () => {
    const store = await open();
    await store.upsertNodes([node('/vm', 'VirtualMachine', { name: 'vm', ports: [22] }), node('/subnet', 'Subnet', { name: 'web' })]);
    await store.upsertEdges([{ source: '/vm', kind: 'IN_SUBNET', target: '/subnet', properties: { order: 1 } }]);
    const result = await store.runReadQuery(
      'MATCH p = (v:VirtualMachine)-[r:IN_SUBNET]->(s:Subnet) RETURN v, r, p, s.name AS name',
      {},
      { timeoutMs: 5_000, rowLimit: 10 },
    );
    expect(result.columns).toEqual(['v', 'r', 'p', 'name']);
    const [row] = result.rows as Array<Record<string, any>>;
    expect(row?.v).toEqual({ id: '/vm', kind: 'VirtualMachine', labels: expect.arrayContaining(['Entity', 'VirtualMachine']), properties: { name: 'vm', ports: [22] } });
    expect(row?.r).toMatchObject({ kind: 'IN_SUBNET', properties: { order: 1 } });
    expect(row?.p.nodes.map((item: { id: string }) => item.id)).toEqual(['/vm', '/subnet']);
    expect(row?.p.relationships).toEqual([{ kind: 'IN_SUBNET', start: '/vm', end: '/subnet', properties: { order: 1 } }]);
    expect(row?.name).toBe('web');

    const many = await store.runReadQuery('UNWIND range(1, 25) AS n RETURN n', {}, { timeoutMs: 5_000, rowLimit: 10 });
    expect(many.rows).toEqual(Array.from({ length: 10 }, (_, index) => ({ n: index + 1 })));
    expect(many.truncated).toBe(true);
    expect((await store.runReadQuery('UNWIND range(1, 10) AS n RETURN n', {}, { timeoutMs: 5_000, rowLimit: 10 })).truncated).toBe(false);
  });

  it('refuses writes in a read query, leaving the graph as it was', async () => {
    const store = await open();
    const error = await store.runReadQuery("CREATE (:Entity {id: 'sneaky'})", {}, { timeoutMs: 5_000, rowLimit: 10 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(await store.getNode('sneaky')).toBeUndefined();
  });

  it('stops a query that runs past its timeout with a StoreError, and keeps working afterwards', async () => {
    const store = await open();
    await store.upsertNodes(Array.from({ length: 400 }, (_, index) => node(`/n${index}`, 'AzureResource', { index })));
    const started = Date.now();
    // A cartesian product the server can interrupt (FalkorDB builds a range() list before it looks at the clock).
    const error = await store
      .runReadQuery('MATCH (a:Entity), (b:Entity), (c:Entity) WHERE a.index + b.index = c.index RETURN count(*) AS n', {}, { timeoutMs: 100, rowLimit: 10 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/timeout/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await store.runReadQuery('RETURN 1 AS one', {}, { timeoutMs: 5_000, rowLimit: 1 })).rows).toEqual([{ one: 1 }]);
  });

  // Over Bolt FalkorDB takes at most 64 KB a statement: see the next suite.
  if (backend !== bolt) it('writes large properties and large batches', async () => {
    const store = await open();
    const rules = JSON.stringify(Array.from({ length: 2_000 }, (_, index) => ({ name: `rule-${index}`, priority: index, source: '*', ports: '443' })));
    const nodes = Array.from({ length: 3_000 }, (_, index) => node(`/nsg-${index}`, 'NetworkSecurityGroup', { name: `nsg ${index}`, index }));
    nodes[0] = node('/nsg-0', 'NetworkSecurityGroup', { securityRules: rules });
    await store.upsertNodes(nodes);
    expect((await store.getNode('/nsg-0'))?.properties.securityRules).toBe(rules);
    expect(await store.countNodesByKind()).toEqual({ NetworkSecurityGroup: 3_000 });
  });
});

describe.skipIf(!!bolt.unavailable)(`${bolt.name}: its 64 KB message limit`, { timeout: bolt.timeoutMs }, () => {
  let handle: Awaited<ReturnType<typeof bolt.fresh>> | undefined;
  afterAll(async () => {
    await handle?.dispose();
  });

  it('splits a large batch into statements that fit, and refuses a node too large for one with the address that can take it', async () => {
    handle = await bolt.fresh();
    const store = await handle.open();
    const padding = 'x'.repeat(1_000);
    const nodes = Array.from({ length: 3_000 }, (_, index) => node(`/nsg-${index}`, 'NetworkSecurityGroup', { name: `nsg ${index}`, padding }));
    await store.upsertNodes(nodes);
    expect(await store.countNodesByKind()).toEqual({ NetworkSecurityGroup: 3_000 });
    expect((await store.getNode('/nsg-2999'))?.properties.padding).toBe(padding);

    const huge = node('/nsg-huge', 'NetworkSecurityGroup', { securityRules: 'r'.repeat(100_000) });
    const error = await store.upsertNodes([huge]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/A statement of \d+ KB is over what FalkorDB's Bolt endpoint can take \(65 KB\).*--store falkordb:\/\/<host>:6379\/<graph>/);
    expect(await store.getNode('/nsg-huge')).toBeUndefined();
    expect((await store.runReadQuery('RETURN 1 AS one', {}, { timeoutMs: 5_000, rowLimit: 1 })).rows).toEqual([{ one: 1 }]);
  });
});

describe.runIf(server.kind === 'falkordb')('FalkorDB specifics', { timeout: backend.timeoutMs }, () => {
  const info = server as Extract<typeof server, { kind: 'falkordb' }>;

  it('refuses a wrong password without echoing it, and accepts the right one', async () => {
    const graph = storeAddress(server).split('/').pop();
    const wrong = await GraphDatabaseStore.open(`falkordb://${info.user}:not-the-password@${info.host}:${info.port}/${graph}`).catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(StoreError);
    expect((wrong as Error).message).toMatch(/Authentication to the graph database at falkordb:\/\/127\.0\.0\.1:\d+\/.* failed.*NEO4J_USERNAME and NEO4J_PASSWORD/);
    expect((wrong as Error).message).not.toContain('not-the-password');
    const address = `falkordb://${info.host}:${info.port}/${graph}`;
    const right = await GraphDatabaseStore.open(address, { env: { NEO4J_USERNAME: info.user, NEO4J_PASSWORD: info.password } });
    await right.close();
    await dropGraph(server, address);
  });

  it('serves FalkorDB behind a Bolt address, and refuses another graph there with the address that can open it', async () => {
    const own = await startFalkorDB();
    try {
      const address = `bolt://${own.info.host}:${own.info.boltPort}`;
      const store = await GraphDatabaseStore.open(address, { env: {} });
      expect(store.dialect).toBe('falkordb');
      expect(store.location).toBe(address);
      await store.close();
      const error = await GraphDatabaseStore.open(address, { env: { NEO4J_DATABASE: 'estate' } }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(`${address} (database estate) is FalkorDB's Bolt endpoint, which always uses the graph "falkordb"`);
      expect((error as Error).message).toContain('--store falkordb://<host>:6379/estate');
    } finally {
      await own.stop();
    }
  });

  it('refuses a wrong password over Bolt without echoing it, and accepts the right one', async () => {
    const own = await startFalkorDB();
    try {
      // FalkorDB's Bolt login is the user `falkordb` with the server's password (AUTH <password>).
      const admin = await FalkorDB.connect({ socket: { host: own.info.host, port: own.info.port } });
      await (await admin.connection).sendCommand(['CONFIG', 'SET', 'requirepass', 'right-password']);
      await admin.close();
      const address = `bolt://${own.info.host}:${own.info.boltPort}`;
      const wrong = await GraphDatabaseStore.open(address, { env: { NEO4J_USERNAME: 'falkordb', NEO4J_PASSWORD: 'not-the-password' } }).catch((caught: unknown) => caught);
      expect(wrong).toBeInstanceOf(StoreError);
      expect((wrong as Error).message).toMatch(/^Authentication to the graph database at bolt:\/\/127\.0\.0\.1:\d+ failed\. Check NEO4J_USERNAME and NEO4J_PASSWORD/);
      expect((wrong as Error).message).not.toContain('not-the-password');
      const right = await GraphDatabaseStore.open(address, { env: { NEO4J_USERNAME: 'falkordb', NEO4J_PASSWORD: 'right-password' } });
      expect(right.dialect).toBe('falkordb');
      await right.close();
    } finally {
      await own.stop();
    }
  });

  it('a results swap that stopped after staging changes nothing a reader sees, and the next one clears its leftovers', async () => {
    const address = storeAddress(server);
    const store = await GraphDatabaseStore.open(address);
    try {
      const vm = '/subscriptions/s/vm';
      await store.upsertNodes([node(vm, 'VirtualMachine', { name: 'vm' })]);
      await store.replaceAnalysisResults({ version: 1, computedAt: 'one', assets: [{ id: vm, properties: { exposed: true, exposureWidth: 'wide' } }], attackPaths: [] });
      // What a run that died between staging and switching leaves behind.
      const db = await FalkorDB.connect({ socket: { host: info.host, port: info.port } });
      await db.selectGraph(new URL(address).pathname.slice(1)).query("CREATE (:PendingResult {resultVersion: 2, assetId: '/subscriptions/s/vm', keys: ['exposed'], v_exposed: false})");
      await db.close();
      expect((await store.getNode(vm))?.properties).toMatchObject({ exposed: true, exposureWidth: 'wide' });

      await store.replaceAnalysisResults({ version: 3, computedAt: 'three', assets: [{ id: vm, properties: { exposureWidth: null } }], attackPaths: [] });
      const properties = (await store.getNode(vm))?.properties;
      expect(properties).toMatchObject({ exposed: true });
      expect(properties).not.toHaveProperty('exposureWidth');
      expect((await store.runReadQuery('MATCH (r:PendingResult) RETURN count(r) AS left', {}, { timeoutMs: 5_000, rowLimit: 1 })).rows).toEqual([{ left: 0 }]);
      expect((await store.getNode(ANALYSIS_STATE_ID))?.properties).toMatchObject({ currentVersion: 3 });
    } finally {
      await store.close();
      await dropGraph(server, address);
    }
  });

  it('reaches a Bolt server over TLS: bolt+ssc accepts a self-signed certificate, bolt+s refuses it and says how to trust it', async () => {
    const own = await startFalkorDB();
    const folder = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-tls-'));
    let terminator: tls.Server | undefined;
    try {
      // FalkorDB's Bolt port has no TLS: a TLS terminator with a fresh self-signed certificate stands in front of it.
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem')], { stdio: 'ignore' });
      const server = tls.createServer({ key: await readFile(path.join(folder, 'key.pem')), cert: await readFile(path.join(folder, 'cert.pem')) }, (socket) => {
        const upstream = net.connect(own.info.boltPort, own.info.host);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      terminator = server;
      const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

      const store = await GraphDatabaseStore.open(`bolt+ssc://localhost:${port}`, { env: {} });
      expect(store.dialect).toBe('falkordb');
      const rules = 'r'.repeat(3_000);
      await store.upsertNodes([node('/nsg', 'NetworkSecurityGroup', { securityRules: rules })]);
      expect((await store.getNode('/nsg'))?.properties.securityRules).toBe(rules);
      await store.close();

      const refused = await GraphDatabaseStore.open(`bolt+s://localhost:${port}`, { env: {} }).catch((caught: unknown) => caught);
      expect(refused).toBeInstanceOf(StoreError);
      expect((refused as Error).message).toMatch(/^The graph database at bolt\+s:\/\/localhost:\d+ did not present a certificate this machine trusts \(.*self.signed.*\)\. Trust its CA with NODE_EXTRA_CA_CERTS/);
    } finally {
      terminator?.close();
      await own.stop();
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('a server that restarts is reached again: serve reports the outage in /health and recovers without a restart', { timeout: 60_000 }, async () => {
    let own = await startFalkorDB();
    const ports = { port: own.info.port, boltPort: own.info.boltPort };
    const store = await GraphDatabaseStore.open(`falkordb://${own.info.host}:${own.info.port}/restart`, { env: {} });
    const running = await startServer({ store, port: 0, host: '127.0.0.1', version: 'test' });
    try {
      await store.upsertNodes([node('/x/vm1', 'VirtualMachine')]);
      expect((await request(running.server).get('/api/v1/health')).body).toMatchObject({ status: 'ok', nodes: 1 });

      await own.stop();
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // past node-redis's own reconnect attempts
      const down = await request(running.server).get('/api/v1/health');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: 'unavailable', error: expect.stringMatching(/Cannot reach the graph database at falkordb:\/\/127\.0\.0\.1:\d+\/restart \(connection refused\)/) });

      // The restarted server keeps no data (the test server does not persist); what matters is that the same store reaches it again.
      own = await startFalkorDB(ports);
      await store.upsertNodes([node('/x/vm2', 'VirtualMachine')]);
      const back = await request(running.server).get('/api/v1/health');
      expect(back.body, JSON.stringify(back.body)).toMatchObject({ status: 'ok', nodes: 1 });
    } finally {
      await running.close();
      await store.close();
      await own.stop();
    }
  });

  it('answers a closed Redis port with the address too', async () => {
    const closed = await new Promise<number>((resolve) => {
      const listener = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = listener.address() as net.AddressInfo;
        listener.close(() => resolve(port));
      });
    });
    await expect(GraphDatabaseStore.open(`falkordb://127.0.0.1:${closed}`)).rejects.toThrow(`falkordb://127.0.0.1:${closed}/reachgraph (connection refused)`);
  });

  it('gives up on a peer that accepts the connection and never answers, instead of hanging', { timeout: 30_000 }, async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      await expect(GraphDatabaseStore.open(`falkordb://127.0.0.1:${port}/g`)).rejects.toThrow(/Cannot reach the graph database at falkordb:\/\/127\.0\.0\.1:\d+\/g \(it accepted the connection but said nothing within 10 s/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

// A wrong password over Bolt needs Neo4j (set NEO4J_URI); against FalkorDB the store refuses the Bolt endpoint,
// and FalkorDB's own login is tested on its own port above.
describe.runIf(server.kind === 'neo4j')('Neo4j specifics', { timeout: backend.timeoutMs }, () => {
  it('refuses a wrong password without echoing it', async () => {
    const uri = (server as Extract<typeof server, { kind: 'neo4j' }>).uri;
    const error = await GraphDatabaseStore.open(uri, { env: { ...process.env, NEO4J_USERNAME: process.env.NEO4J_USERNAME ?? 'neo4j', NEO4J_PASSWORD: 'not-the-password' } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(/Authentication .* failed.*NEO4J_USERNAME and NEO4J_PASSWORD/);
    expect((error as Error).message).not.toContain('not-the-password');
  });
});
