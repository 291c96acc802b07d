/**
 * Each AKS cluster's Kubernetes objects: the cluster user kubeconfig from
 * ARM (`listClusterUserCredentials`, @azure/arm-containerservice), then the
 * cluster's own API. For Entra ID–integrated clusters the kubeconfig names an
 * exec plugin (kubelogin) we do not run: the connection's credential takes a
 * token for the AKS server application instead, fresh per request. The
 * kubeconfig holds credentials: it stays in memory, never on disk or in logs.
 */
import path from 'node:path';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { KUBERNETES_FAMILY_KEYS } from '../../load/kubernetes/index.js';
import { AKS_SERVER_APPLICATION_ID } from '../connection/clouds.js';
import { describeDiagnosis, diagnose, isDenied } from '../connection/diagnose.js';
import { registerSecret } from '../connection/secrets.js';
import type { CollectContext } from '../context.js';
import { createLimiter } from '../pool.js';
import { collectKubernetesCluster } from '../kubernetes/index.js';
import { parseArmId } from './details/detail.js';

export const MANAGED_CLUSTER_TYPE = 'microsoft.containerservice/managedclusters';

interface ClusterProperties {
  aadProfile?: unknown;
  apiServerAccessProfile?: { enablePrivateCluster?: boolean };
}

/** Folder names are the clusters' names; two clusters of one name in different groups get the group appended (cluster.json says which is which). */
function folderNames(clusters: ReadonlyArray<Record<string, unknown>>): Map<string, string> {
  const byName = new Map<string, number>();
  for (const cluster of clusters) byName.set(String(cluster.name), (byName.get(String(cluster.name)) ?? 0) + 1);
  return new Map(
    clusters.map((cluster) => {
      const id = String(cluster.id);
      const name = String(cluster.name);
      return [id, (byName.get(name) ?? 0) > 1 ? `${name}-${parseArmId(id).resourceGroup.toLowerCase()}-${parseArmId(id).subscriptionId.slice(0, 8)}` : name];
    }),
  );
}

async function collectCluster(context: CollectContext, cluster: Record<string, unknown>, folder: string, clients: Map<string, ContainerServiceClient>): Promise<void> {
  const clusterId = String(cluster.id);
  const scope = clusterId.toLowerCase();
  const { subscriptionId, resourceGroup, name } = parseArmId(clusterId);
  const properties = (cluster.properties ?? {}) as ClusterProperties;
  const isPrivate = properties.apiServerAccessProfile?.enablePrivateCluster === true;
  const failAll = (kind: 'error' | 'denied' | 'skipped', reason: string): void => {
    for (const family of KUBERNETES_FAMILY_KEYS) context.outcome.problem(scope, family, kind, reason);
  };

  let client = clients.get(subscriptionId);
  if (!client) {
    client = new ContainerServiceClient(context.connection.auth.credential, subscriptionId, context.connection.armClientOptions());
    clients.set(subscriptionId, client);
  }
  let kubeconfig: string;
  try {
    const credentials = await client.managedClusters.listClusterUserCredentials(resourceGroup, name);
    const value = credentials.kubeconfigs?.[0]?.value;
    if (!value) throw new Error('ARM returned no kubeconfig');
    kubeconfig = Buffer.from(value).toString('utf8');
  } catch (error) {
    const denied = isDenied(error);
    const diagnosis = diagnose(error, { action: `getting the cluster user credentials of ${name}` });
    failAll(
      denied ? 'denied' : 'error',
      denied
        ? `cluster ${name}: the app may not list its user credentials. Fix: assign "Azure Kubernetes Service Cluster User Role" and "Azure Kubernetes Service RBAC Reader" on the cluster or its subscription`
        : `cluster ${name}: ${describeDiagnosis(diagnosis)}`,
    );
    return;
  }
  // Tokens and keys inside the kubeconfig are secrets: scrub them from anything printed.
  for (const match of kubeconfig.matchAll(/(?:token|client-key-data|client-certificate-data|password):\s*"?([^\s"]+)/g)) registerSecret(match[1]);

  const credential = context.connection.auth.credential;
  const scopes = `${AKS_SERVER_APPLICATION_ID}/.default`;
  const result = await collectKubernetesCluster({
    kubeconfig,
    ...(properties.aadProfile
      ? {
          getToken: async () => {
            const token = await credential.getToken(scopes);
            if (!token) throw new Error('the credential returned no token for the AKS server application');
            return token.token;
          },
        }
      : {}),
    clusterId,
    outDir: path.join(context.writer.staging, 'kubernetes', folder),
    onRequest: () => context.connection.stats.count('kubernetes'),
    concurrency: context.concurrency,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  if (result.unreachable) {
    // A private cluster out of reach, or an API server that refuses the collector, is reported and skipped; a public one that cannot be reached failed.
    if (isPrivate) failAll('skipped', `cluster ${name} is private: its API server is reachable only from its virtual network (${result.unreachable}). Run reachgraph inside that network to collect it`);
    else if (result.refused) failAll('denied', `cluster ${name}: ${result.unreachable}`);
    else failAll('error', `cluster ${name}: ${result.unreachable}`);
    return;
  }
  context.outcome.collected(scope, KUBERNETES_FAMILY_KEYS);
  for (const [family, count] of Object.entries(result.counts)) context.outcome.count(scope, family, count);
  for (const failure of result.failed) context.outcome.problem(scope, failure.family, failure.denied ? 'denied' : 'error', `cluster ${name}: ${failure.reason}`);
}

/** Collects every cluster Resource Graph found, a few at a time. */
export async function collectManagedClusters(context: CollectContext, clusters: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const folders = folderNames(clusters);
  const clients = new Map<string, ContainerServiceClient>();
  context.log.stage('AKS clusters', clusters.length);
  // Two clusters at a time: each lists several kinds at once on its own.
  const limit = createLimiter(Math.min(2, context.concurrency));
  await Promise.all(
    clusters.map((cluster) =>
      limit(async () => {
        await collectCluster(context, cluster, folders.get(String(cluster.id)) as string, clients);
        context.log.advance('AKS clusters');
      }),
    ),
  );
}
