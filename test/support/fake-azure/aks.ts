/**
 * Microsoft.ContainerService as @azure/arm-containerservice 25.5 calls it
 * (api-version 2026-06-01 unless the client sets one): managed clusters by
 * subscription, by resource group and one by one, and
 * `POST …/listClusterUserCredential` answering
 * `{"kubeconfigs":[{"name":"clusterUser","value":<base64 kubeconfig>}]}`.
 */
import { testCertificate } from '../https-server.js';
import { type ArmRoute, authorizationFailed, ok, page, resourceGroupMissing, resourceNotFound, routePattern } from './arm-wire.js';
import { isAllowed } from './rbac.js';
import { AKS_SERVER_APP, type FakeAzureState, findResource, lower, resourceGroupOf, stableGuid, subscriptionOf } from './state.js';

const TYPE = 'microsoft.containerservice/managedclusters';
const CLUSTER = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters/{name}';
const READ = 'Microsoft.ContainerService/managedClusters/read';
const LIST_USER_CREDENTIAL = 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action';
/** The Azure CLI's application id: kubelogin signs users in with it. */
const AZURE_CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

/** A managed cluster as the resource provider answers it: canonical type, no Resource Graph columns. */
function managedClusterBody(resource: Record<string, unknown>): Record<string, unknown> {
  const { id, name, location, tags, sku, identity, properties, kind, extendedLocation, zones } = resource;
  return {
    id,
    location,
    name,
    ...(tags ? { tags } : {}),
    type: 'Microsoft.ContainerService/ManagedClusters',
    ...(kind ? { kind } : {}),
    ...(sku ? { sku } : {}),
    ...(extendedLocation ? { extendedLocation } : {}),
    ...(zones ? { zones } : {}),
    ...(identity ? { identity } : {}),
    properties,
  };
}

export interface KubeconfigOptions {
  clusterName: string;
  resourceGroup: string;
  /** The API server URL, `https://<fqdn>:443`. */
  server: string;
  /** PEM of the API server's CA. */
  certificateAuthority: string;
  tenantId: string;
  /** Entra ID–integrated clusters name kubelogin (an exec plugin); local-account clusters carry a bearer token. */
  entraIntegrated: boolean;
}

/** A clusterUser kubeconfig in the form AKS hands out. */
export function aksKubeconfig(options: KubeconfigOptions): string {
  const user = `clusterUser_${options.resourceGroup}_${options.clusterName}`;
  const credential = options.entraIntegrated
    ? [
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1beta1',
        '      args:',
        ...['get-token', '--environment', 'AzurePublicCloud', '--server-id', AKS_SERVER_APP, '--client-id', AZURE_CLI_APP, '--tenant-id', options.tenantId, '--login', 'devicecode'].map((arg) => `      - ${arg}`),
        '      command: kubelogin',
        '      env: null',
        '      installHint: |2',
        '',
        '        kubelogin is not installed which is required to connect to AAD enabled cluster.',
        '      interactiveMode: IfAvailable',
        '      provideClusterInfo: false',
      ]
    : [`    token: ${stableGuid('token', options.server, user).replace(/-/g, '')}${stableGuid('token2', user).replace(/-/g, '')}`];
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(options.certificateAuthority).toString('base64')}`,
    `    server: ${options.server}`,
    `  name: ${options.clusterName}`,
    'contexts:',
    '- context:',
    `    cluster: ${options.clusterName}`,
    `    user: ${user}`,
    `  name: ${options.clusterName}`,
    `current-context: ${options.clusterName}`,
    'kind: Config',
    'preferences: {}',
    'users:',
    `- name: ${user}`,
    '  user:',
    ...credential,
    '',
  ].join('\n');
}

/**
 * The kubeconfig AKS would give for a cluster of the state: its public FQDN,
 * or the private one of a private cluster (unreachable from here, as from
 * outside its virtual network). The CA is the test certificate, which the
 * fake Kubernetes API serves too.
 */
export function defaultKubeconfig(state: FakeAzureState, resource: Record<string, unknown>): string {
  const properties = (resource.properties ?? {}) as { fqdn?: string; privateFQDN?: string; aadProfile?: unknown; apiServerAccessProfile?: { enablePrivateCluster?: boolean } };
  const host = properties.apiServerAccessProfile?.enablePrivateCluster ? properties.privateFQDN : (properties.fqdn ?? properties.privateFQDN);
  return aksKubeconfig({
    clusterName: String(resource.name),
    resourceGroup: resourceGroupOf(String(resource.id)) ?? '',
    server: `https://${host}:443`,
    certificateAuthority: testCertificate().cert,
    tenantId: state.tenant.id,
    entraIntegrated: Boolean(properties.aadProfile),
  });
}

const clustersIn = (state: FakeAzureState, subscriptionId: string, resourceGroup?: string): Array<Record<string, unknown>> =>
  state.resources.filter(
    (resource) =>
      lower(resource.type) === TYPE && subscriptionOf(String(resource.id)) === lower(subscriptionId) && (!resourceGroup || lower(resourceGroupOf(String(resource.id))) === lower(resourceGroup)),
  );

export const aksRoutes: ArmRoute[] = [
  {
    method: 'GET',
    pattern: routePattern('/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/managedClusters'),
    handle(request, [subscriptionId = '']) {
      const scope = `/subscriptions/${subscriptionId}`;
      if (!isAllowed(request.state, request.claims.oid, READ, scope)) return authorizationFailed(request, READ, scope);
      return page(request, clustersIn(request.state, subscriptionId).map(managedClusterBody));
    },
  },
  {
    method: 'GET',
    pattern: routePattern('/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters'),
    handle(request, [subscriptionId = '', resourceGroup = '']) {
      const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
      if (!isAllowed(request.state, request.claims.oid, READ, scope)) return authorizationFailed(request, READ, scope);
      return resourceGroupMissing(request) ?? page(request, clustersIn(request.state, subscriptionId, resourceGroup).map(managedClusterBody));
    },
  },
  {
    method: 'GET',
    pattern: routePattern(CLUSTER),
    handle(request, [subscriptionId = '', resourceGroup = '', name = '']) {
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
      if (!isAllowed(request.state, request.claims.oid, READ, id)) return authorizationFailed(request, READ, id);
      const missing = resourceGroupMissing(request);
      if (missing) return missing;
      const cluster = findResource(request.state, id);
      return cluster && lower(cluster.type) === TYPE ? ok(managedClusterBody(cluster)) : resourceNotFound('Microsoft.ContainerService/managedClusters', name, resourceGroup);
    },
  },
  {
    method: 'POST',
    pattern: routePattern(`${CLUSTER}/listClusterUserCredential`),
    handle(request, [subscriptionId = '', resourceGroup = '', name = '']) {
      const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${name}`;
      if (!isAllowed(request.state, request.claims.oid, LIST_USER_CREDENTIAL, id)) return authorizationFailed(request, LIST_USER_CREDENTIAL, id);
      const missing = resourceGroupMissing(request);
      if (missing) return missing;
      const cluster = findResource(request.state, id);
      if (!cluster || lower(cluster.type) !== TYPE) return resourceNotFound('Microsoft.ContainerService/managedClusters', name, resourceGroup);
      const wired = request.state.clusters.find((candidate) => lower(candidate.id) === lower(id));
      const kubeconfig = wired ? wired.kubeconfig() : defaultKubeconfig(request.state, cluster);
      return ok({ kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(kubeconfig).toString('base64') }] });
    },
  },
];
