/**
 * The fake tenant of `bench/collect.ts`, in a process of its own so that the
 * collector's CPU time and memory are measured without the fakes': Entra
 * login, ARM with Resource Graph, Microsoft Graph and one Kubernetes API
 * server per AKS cluster (test/support/fake-tenant.ts) over a synthetic
 * estate.
 *
 *   npx tsx bench/fake-tenant-server.ts '{"subscriptions":10,"resources":50000,"pods":2000,"users":2000}'
 *
 * When listening it prints one JSON line on stdout, `{"env": {...}, "setup": {...}}`:
 * the environment a user would set (credentials, endpoints, NODE_EXTRA_CA_CERTS
 * for the test CA) and what it serves. On SIGTERM (or when stdin closes) it
 * prints `{"served": {...}}`, the requests each fake answered, and exits.
 */
import { once } from 'node:events';
import path from 'node:path';
import { AKS_SERVER_APP, type FakeAzureState, syntheticState } from '../test/support/fake-azure/index.js';
import { syntheticCluster } from '../test/support/fake-kubernetes-synthetic.js';
import { startFakeTenant } from '../test/support/fake-tenant.js';

export interface BenchTenantOptions {
  subscriptions: number;
  /** Synthetic resources besides the two clusters. */
  resources: number;
  /** Pods per cluster. */
  pods: number;
  users: number;
  /** Resource Graph's per-user quota: queries per window. */
  quota: { perWindow: number; windowMs: number };
  /** Items per page of ARM list calls. */
  armPageSize: number;
}

export const DEFAULT_OPTIONS: BenchTenantOptions = {
  subscriptions: 10,
  resources: 50_000,
  pods: 2_000,
  users: 2_000,
  // Azure's default Resource Graph quota for a principal.
  quota: { perWindow: 15, windowMs: 5_000 },
  // ARM pages hold hundreds of items for most list calls; the fake's default of 2 is for tests of paging.
  armPageSize: 100,
};

/** A public AKS cluster as a Resource Graph row: local accounts, or Entra ID–integrated with Azure RBAC. */
function managedCluster(state: FakeAzureState, subscriptionIndex: number, name: string, entra: boolean): Record<string, unknown> {
  const subscription = state.subscriptions[subscriptionIndex % state.subscriptions.length];
  if (!subscription) throw new Error('the estate has no subscription');
  const { subscriptionId } = subscription;
  const resourceGroup = 'rg-00';
  const nodeResourceGroup = `MC_${resourceGroup}_${name}_westeurope`;
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`,
    name,
    type: 'microsoft.containerservice/managedclusters',
    tenantId: state.tenant.id,
    kind: '',
    location: 'westeurope',
    resourceGroup,
    subscriptionId,
    managedBy: '',
    sku: { name: 'Base', tier: 'Standard' },
    plan: null,
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: '1.30.3',
      dnsPrefix: name,
      fqdn: `${name}-b3nch000.hcp.westeurope.azmk8s.io`,
      agentPoolProfiles: [{ name: 'system', count: 40, vmSize: 'Standard_D8s_v5', type: 'VirtualMachineScaleSets', mode: 'System', osType: 'Linux', enableNodePublicIP: false, maxPods: 110 }],
      nodeResourceGroup,
      enableRBAC: true,
      ...(entra ? { aadProfile: { managed: true, enableAzureRBAC: true, tenantID: state.tenant.id }, disableLocalAccounts: true } : {}),
      apiServerAccessProfile: { enablePrivateCluster: false },
      networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure', loadBalancerSku: 'standard', outboundType: 'loadBalancer', serviceCidr: '10.3.0.0/16', dnsServiceIP: '10.3.0.10' },
    },
    tags: { environment: 'benchmark' },
    identity: { type: 'SystemAssigned', principalId: `5e7a0000-0000-4000-8fff-${String(subscriptionIndex).padStart(12, '0')}`, tenantId: state.tenant.id },
    zones: null,
    extendedLocation: null,
  };
}

export function benchState(options: BenchTenantOptions): FakeAzureState {
  const state = syntheticState({ subscriptions: options.subscriptions, resources: options.resources });
  state.quota = { ...options.quota };
  state.armPageSize = options.armPageSize;
  const clusters = [managedCluster(state, 0, 'aks-bench-local', false), managedCluster(state, 1, 'aks-bench-entra', true)];
  state.resources.push(...clusters);
  // fake-tenant wires each public cluster's kubeconfig to its own API server.
  state.clusters = clusters.map((cluster) => ({ id: String(cluster.id), kubeconfig: () => '' }));
  if (!state.knownResources.includes(AKS_SERVER_APP)) state.knownResources.push(AKS_SERVER_APP);
  return state;
}

async function main(): Promise<void> {
  const options: BenchTenantOptions = { ...DEFAULT_OPTIONS, ...(JSON.parse(process.argv[2] ?? '{}') as Partial<BenchTenantOptions>) };
  const state = benchState(options);
  const objects = syntheticCluster({ pods: options.pods });
  const tenant = await startFakeTenant(state, {
    kubernetes: () => objects,
    directory: { users: options.users, groups: Math.ceil(options.users / 10), applications: Math.ceil(options.users / 20), managedIdentities: Math.ceil(options.users / 40), membersPerGroup: 20 },
  });
  const setup = {
    subscriptions: state.subscriptions.length,
    resources: state.resources.length,
    clusters: [...tenant.clusters.keys()].map((id) => id.split('/').pop()),
    podsPerCluster: objects.Pod?.length ?? 0,
    users: options.users,
    resourceGraphQuota: `${state.quota.perWindow} queries / ${state.quota.windowMs / 1000} s`,
    armPageSize: state.armPageSize,
  };
  process.stdout.write(`${JSON.stringify({ env: tenant.env, setup })}\n`);

  const stop = async (): Promise<void> => {
    const served = {
      loginAndArm: tenant.azure.requests.length,
      resourceGraph: tenant.azure.requests.filter((request) => /\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(request)).length,
      tokensIssued: tenant.azure.tokensIssued,
      graph: tenant.graph.calls.length,
      kubernetes: [...tenant.clusters.values()].reduce((sum, cluster) => sum + cluster.requests.length, 0),
    };
    await tenant.close();
    process.stdout.write(`${JSON.stringify({ served })}\n`);
    // exit (not just return) so testCertificate's exit hook removes the test CA's folder.
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  process.stdin.resume();
  await once(process.stdin, 'end');
  await stop();
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
