import { readdir, readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectKubernetesCluster, type KubernetesCollectOptions } from '../../../src/collect/kubernetes/index.js';
import { scratchFolder } from '../../helpers/scratch.js';
import { type FakeKubernetes, objectsFromSnapshotFolder, startFakeKubernetes } from '../../support/fake-kubernetes.js';

const CLUSTER_ID = '/subscriptions/9b2f6d1e-0000-4000-8000-000000000001/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod';
const scratch = scratchFolder('reachgraph-k8s-connection-');
const outDir = () => path.join(scratch.root, 'kubernetes', 'aks-prod');
const objects = () => objectsFromSnapshotFolder(path.resolve('examples/contoso/kubernetes/aks-prod'));

let fake: FakeKubernetes | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const collect = (options: Partial<KubernetesCollectOptions> & Pick<KubernetesCollectOptions, 'kubeconfig'>) =>
  collectKubernetesCluster({ clusterId: CLUSTER_ID, outDir: outDir(), wait: async () => {}, ...options });

async function expectNothingWritten(): Promise<void> {
  await expect(stat(outDir())).rejects.toMatchObject({ code: 'ENOENT' });
}

/** Every file written, as one string, to look for secrets in. */
async function everythingWritten(): Promise<string> {
  const entries = await readdir(scratch.root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n');
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('collectKubernetesCluster: Entra ID clusters', () => {
  it('sends a token fresh from the provider on every request, so a token rotated mid-run is picked up', async () => {
    fake = await startFakeKubernetes({ objects: objects(), token: 'entra-token-1' });
    let calls = 0;
    const getToken = async () => {
      calls += 1;
      if (calls === 6) fake!.token = 'entra-token-2';
      return fake!.token;
    };
    // One kind at a time: the fake revokes the old token at once, so a request already under way with it must not overlap the rotation.
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }), getToken, pageSize: 4, concurrency: 1 });

    expect(result.unreachable).toBeUndefined();
    expect(result.failed).toEqual([]);
    expect(calls).toBe(result.requests);
    expect(fake.requests.every((request) => request.status === 200)).toBe(true);
    expect(result.counts.kubernetesPods).toBe(13);
  });

  it('uses the token provider instead of the legacy azure auth-provider, which it never runs', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'azure-auth-provider' }), getToken: async () => fake!.token });
    expect(result.failed).toEqual([]);
    expect(result.counts.kubernetesNamespaces).toBe(5);
  });

  it('refuses a kubelogin user without a token provider before sending anything, naming the fix', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }) });

    expect(result.unreachable).toMatch(/signs in with the exec plugin "kubelogin" \(Microsoft Entra ID\), which reachgraph does not run: give the collector an Entra ID token provider/);
    expect(result).toMatchObject({ counts: {}, failed: [], requests: 0 });
    expect(fake.requests).toEqual([]);
    await expectNothingWritten();
  });

  it('a token the API server rejects (401) makes the cluster unreachable, with what the token must be', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }), getToken: async () => 'a-token-for-another-audience' });

    expect(result.unreachable).toMatch(/^401 Unauthorized listing namespaces: .*audience 6dae42f8-4368-4678-94ff-3960e28e3630/);
    expect(result.requests).toBe(1);
    await expectNothingWritten();
  });

  it('a failing token provider makes the cluster unreachable with its message', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const getToken = async (): Promise<string> => {
      throw new Error('AADSTS7000215: Invalid client secret provided.');
    };
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }), getToken });

    expect(result.unreachable).toBe('listing namespaces: the token provider failed: AADSTS7000215: Invalid client secret provided.');
    expect(fake.requests).toEqual([]);
  });
});

describe('collectKubernetesCluster: local accounts', () => {
  it('signs in with the kubeconfig user\'s static token (the user also holds a client certificate, as AKS local accounts do)', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'local' }) });
    expect(result.failed).toEqual([]);
    expect(result.counts.kubernetesServiceAccounts).toBe(10);
  });

  it('credentials refused on everything (401) leave nothing written', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'local', token: 'revoked-local-account-token' }) });
    expect(result.unreachable).toMatch(/^401 Unauthorized listing namespaces: .*fetch fresh ones/);
    expect(result.failed).toEqual([]);
    await expectNothingWritten();
  });
});

describe('collectKubernetesCluster: an API server that cannot be used', () => {
  it('a closed port (a private cluster\'s address, from outside) is unreachable at once, without retries', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const port = await closedPort();
    const started = Date.now();
    const result = await collectKubernetesCluster({ kubeconfig: fake.kubeconfig({ server: `https://127.0.0.1:${port}` }), clusterId: CLUSTER_ID, outDir: outDir() });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.unreachable).toMatch(new RegExp(`cannot connect to the API server 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED.*authorized IP ranges`));
    expect(result).toMatchObject({ counts: {}, failed: [], requests: 1 });
    await expectNothingWritten();
  });

  it('an address that never completes the TLS handshake is unreachable after the connect timeout', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as net.AddressInfo;
    const started = Date.now();
    const result = await collect({ kubeconfig: fake.kubeconfig({ server: `https://127.0.0.1:${port}` }), connectTimeoutMs: 200 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.unreachable).toMatch(/cannot connect to the API server .*\(ETIMEDOUT: no TLS connection within 200 ms\)/);
    await expectNothingWritten();
  });

  it('a certificate the kubeconfig does not vouch for is unreachable, never retried and never trusted anyway', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: fake.kubeconfig({ withoutCertificateAuthority: true }) });

    expect(result.unreachable).toMatch(/presented a certificate its kubeconfig does not vouch for \((SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\).*certificate-authority-data/);
    expect(result.requests).toBe(1);
    expect(fake.requests).toEqual([]);
    await expectNothingWritten();
  });

  it('a connection cut once the server was reached is a blip: retried, and the kind completes', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    fake.drop('Pod', 2);
    const result = await collect({ kubeconfig: fake.kubeconfig(), pageSize: 5 });
    expect(result.failed).toEqual([]);
    expect(result.counts.kubernetesPods).toBe(13);
    expect(fake.requests.filter((request) => request.path === '/api/v1/pods').map((request) => request.status)).toEqual([0, 0, 200, 200, 200]);
  });

  it('reports certificate data that is not a certificate before connecting', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const kubeconfig = fake.kubeconfig().replace(/certificate-authority-data: .*/, `certificate-authority-data: ${Buffer.from('not a certificate').toString('base64')}`);
    const result = await collect({ kubeconfig });
    expect(result.unreachable).toMatch(/^the kubeconfig's certificates cannot be used \(certificate-authority-data, client-certificate-data, client-key-data\): /);
    expect(fake.requests).toEqual([]);
  });

  it('refuses a kubeconfig that turns certificate checks off', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const kubeconfig = fake.kubeconfig().replace(/certificate-authority-data: .*/, 'insecure-skip-tls-verify: true');
    const result = await collect({ kubeconfig });
    expect(result.unreachable).toMatch(/turns certificate checks off \(insecure-skip-tls-verify\).*give its certificate-authority-data/);
    expect(fake.requests).toEqual([]);
  });

  it('says a still-base64 kubeconfig must be decoded', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const result = await collect({ kubeconfig: Buffer.from(fake.kubeconfig()).toString('base64') });
    expect(result.unreachable).toMatch(/no current-context .*base64-encoded: decode the value first/);
  });
});

describe('collectKubernetesCluster: secrets', () => {
  const CANARY = 'canary-token-5f0c1d2e3b4a69788796a5b4c3d2e1f0';

  it('the kubeconfig token appears in no file written, no result and no failure reason', async () => {
    fake = await startFakeKubernetes({ objects: objects(), token: CANARY });
    fake.forbid('Node');
    fake.unserve('Ingress');
    fake.fail('Job', 503, 100);
    fake.throttle('Pod', 1, 1);
    fake.expireContinue('Deployment', 1);
    const result = await collect({ kubeconfig: fake.kubeconfig({ user: 'local' }), pageSize: 3 });

    expect(result.failed.map((failure) => failure.kind).sort()).toEqual(['Ingress', 'Job', 'Node']);
    expect(JSON.stringify(result)).not.toContain(CANARY);
    const written = await everythingWritten();
    expect(written).toContain('"kind":"Pod"');
    expect(written).not.toContain(CANARY);
  });

  it('the provider\'s token appears nowhere either, even when it is refused', async () => {
    fake = await startFakeKubernetes({ objects: objects() });
    const refused = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }), getToken: async () => CANARY });
    expect(JSON.stringify(refused)).not.toContain(CANARY);

    fake.token = CANARY;
    fake.forbid('Service');
    const accepted = await collect({ kubeconfig: fake.kubeconfig({ user: 'entra' }), getToken: async () => CANARY });
    expect(accepted.failed.map((failure) => failure.kind)).toEqual(['Service']);
    expect(JSON.stringify(accepted)).not.toContain(CANARY);
    expect(await everythingWritten()).not.toContain(CANARY);
  });

  it('a malformed kubeconfig is reported by line, never by quoting it', async () => {
    fake = await startFakeKubernetes({ objects: objects(), token: CANARY });
    const kubeconfig = fake.kubeconfig({ user: 'local' }).replace(`token: ${CANARY}`, `token: ${CANARY}\n   broken: : [`);
    const result = await collect({ kubeconfig });
    expect(result.unreachable).toMatch(/^the kubeconfig is not valid YAML: .* \(line \d+\)$/);
    expect(JSON.stringify(result)).not.toContain(CANARY);
  });
});
