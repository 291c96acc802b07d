/**
 * A whole fake tenant for the connector's end-to-end tests: Entra login and
 * ARM (fake-azure), Microsoft Graph (fake-graph) and one Kubernetes API
 * server per public AKS cluster (fake-kubernetes), wired together the way
 * the real services are — ARM hands out kubeconfigs that point at the
 * clusters' API servers, which accept Entra tokens for the AKS server app.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { syntheticDirectory, type SyntheticDirectoryOptions } from './fake-graph-directory.js';
import { type FakeGraph, startFakeGraph } from './fake-graph.js';
import { AKS_SERVER_APP, DEFAULT_CLIENT_SECRET, type FakeAzureState, readAccessToken, type RunningFakeAzure, startFakeAzure } from './fake-azure/index.js';
import { type FakeKubernetes, type KubeObjects, objectsFromSnapshotFolder, startFakeKubernetes } from './fake-kubernetes.js';
import { testCertificate } from './https-server.js';

export interface FakeTenant {
  azure: RunningFakeAzure;
  graph: FakeGraph;
  /** The fake API server of each public cluster, by lowercased ARM id. */
  clusters: Map<string, FakeKubernetes>;
  /** The environment a user would set: credentials, endpoints, and trust for the test CA. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface FakeTenantOptions {
  /** Kubernetes objects per cluster name; default: the snapshot's kubernetes/<name> folder, if any. */
  kubernetes?: (clusterName: string) => KubeObjects | undefined;
  /** The Entra ID directory; default: a small synthetic one. */
  directory?: SyntheticDirectoryOptions;
  /** For kubernetes/<name> folders. */
  snapshotDir?: string;
}

/** AKS checks that the token is Entra's, for the AKS server application, and not expired. */
const acceptsAksToken = (authorization: string): boolean => {
  const reading = readAccessToken(authorization);
  return reading.ok && reading.claims.aud === AKS_SERVER_APP;
};

export async function startFakeTenant(state: FakeAzureState, options: FakeTenantOptions = {}): Promise<FakeTenant> {
  const azure = await startFakeAzure(state);
  const graph = await startFakeGraph({ directory: syntheticDirectory({ tenantId: state.tenant.id, ...options.directory }) });
  state.graphResources.push(graph.url);
  const clusters = new Map<string, FakeKubernetes>();
  const objectsFor =
    options.kubernetes ??
    ((name: string) => {
      const folder = options.snapshotDir && path.join(options.snapshotDir, 'kubernetes', name);
      return folder && existsSync(folder) ? objectsFromSnapshotFolder(folder) : undefined;
    });
  for (const cluster of state.clusters) {
    const resource = state.resources.find((item) => String(item.id).toLowerCase() === cluster.id.toLowerCase()) ?? {};
    const properties = (resource.properties ?? {}) as { aadProfile?: unknown; apiServerAccessProfile?: { enablePrivateCluster?: boolean } };
    if (properties.apiServerAccessProfile?.enablePrivateCluster) continue;
    const fake = await startFakeKubernetes({ objects: objectsFor(String(resource.name)) ?? {}, acceptToken: acceptsAksToken });
    clusters.set(cluster.id.toLowerCase(), fake);
    cluster.kubeconfig = () => fake.kubeconfig({ user: properties.aadProfile ? 'entra' : 'local', clusterName: String(resource.name) });
  }
  const env = {
    AZURE_TENANT_ID: state.tenant.id,
    AZURE_CLIENT_ID: state.app.clientId,
    AZURE_CLIENT_SECRET: state.app.secrets[0]?.value ?? DEFAULT_CLIENT_SECRET,
    AZURE_AUTHORITY_HOST: azure.loginUrl,
    REACHGRAPH_ARM_ENDPOINT: azure.armUrl,
    REACHGRAPH_GRAPH_ENDPOINT: graph.url,
    NODE_EXTRA_CA_CERTS: testCertificate().caFile,
  };
  return {
    azure,
    graph,
    clusters,
    env,
    close: async () => {
      await Promise.all([azure.close(), graph.close(), ...[...clusters.values()].map((cluster) => cluster.close())]);
    },
  };
}
