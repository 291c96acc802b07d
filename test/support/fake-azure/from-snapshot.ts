/**
 * A state from a snapshot on disk (e.g. examples/contoso), read with the
 * project's own reader: Resource Graph containers give the subscriptions
 * (with their management group chains) and resource groups, authorization
 * rows the role definitions and other principals' assignments, everything
 * else the Resources table. Scale set instance networks are derived, with
 * the addresses of the snapshot's Kubernetes nodes where those name their
 * instance (`spec.providerID`); every managed cluster answers the kubeconfig
 * AKS would give until a test wires it to the fake Kubernetes API.
 */
import path from 'node:path';
import { readAzureSnapshot } from '../../../src/snapshot/read-azure.js';
import { readKubernetesSnapshot } from '../../../src/snapshot/read-kubernetes.js';
import { defaultKubeconfig } from './aks.js';
import { baseState } from './defaults.js';
import { deriveScaleSetNetwork, type InstanceAddresses } from './scale-sets.js';
import {
  type FakeAzureState,
  type FakeManagementGroup,
  type FakeResourceGroup,
  type FakeRoleAssignment,
  type FakeRoleDefinition,
  type FakeSubscription,
  lower,
  resourceGroupOf,
  subscriptionOf,
} from './state.js';

type Json = Record<string, unknown>;

const SUBSCRIPTION = 'microsoft.resources/subscriptions';
const RESOURCE_GROUP = 'microsoft.resources/subscriptions/resourcegroups';
const FALLBACK_TENANT = '00000000-0000-0000-0000-0000000000f1';

const propertiesOf = (resource: Json): Json => (resource.properties ?? {}) as Json;

function subscriptionsAndGroups(containers: Json[]): { subscriptions: FakeSubscription[]; managementGroups: FakeManagementGroup[] } {
  const subscriptions: FakeSubscription[] = [];
  const managementGroups = new Map<string, FakeManagementGroup>();
  for (const row of containers.filter((candidate) => lower(candidate.type) === SUBSCRIPTION)) {
    const chain = ((propertiesOf(row).managementGroupAncestorsChain ?? []) as Array<{ name: string; displayName?: string }>).filter((group) => group?.name);
    chain.forEach((group, index) => {
      const parent = chain[index + 1]?.name;
      if (!managementGroups.has(lower(group.name))) managementGroups.set(lower(group.name), { name: group.name, displayName: group.displayName ?? group.name, ...(parent ? { parent } : {}) });
    });
    const id = String(row.subscriptionId ?? subscriptionOf(String(row.id)));
    subscriptions.push({ subscriptionId: id, displayName: String(row.name ?? id), state: (propertiesOf(row).state as FakeSubscription['state']) ?? 'Enabled', ...(chain[0] ? { managementGroup: chain[0].name } : {}) });
  }
  return { subscriptions, managementGroups: [...managementGroups.values()] };
}

function resourceGroups(containers: Json[], resources: Json[]): FakeResourceGroup[] {
  const groups = new Map<string, FakeResourceGroup>();
  for (const row of containers.filter((candidate) => lower(candidate.type) === RESOURCE_GROUP)) {
    const id = String(row.id);
    groups.set(lower(id), {
      subscriptionId: subscriptionOf(id) ?? '',
      name: String(row.name ?? resourceGroupOf(id)),
      location: lower(row.location),
      ...(row.managedBy ? { managedBy: String(row.managedBy) } : {}),
      ...(row.tags ? { tags: row.tags as Record<string, string> } : {}),
    });
  }
  // Groups holding resources but missing from the export exist all the same.
  for (const resource of resources) {
    const id = String(resource.id);
    const subscription = subscriptionOf(id);
    const name = resourceGroupOf(id);
    if (!subscription || !name) continue;
    const key = lower(`/subscriptions/${subscription}/resourcegroups/${name}`);
    if (!groups.has(key)) groups.set(key, { subscriptionId: subscription, name, location: lower(resource.location) });
  }
  return [...groups.values()];
}

function roleDefinition(row: Json): FakeRoleDefinition {
  const properties = propertiesOf(row);
  return {
    name: String(row.name),
    roleName: String(properties.roleName ?? row.name),
    type: properties.type === 'CustomRole' ? 'CustomRole' : 'BuiltInRole',
    description: String(properties.description ?? ''),
    assignableScopes: (properties.assignableScopes as string[] | undefined) ?? ['/'],
    permissions: ((properties.permissions as FakeRoleDefinition['permissions'] | undefined) ?? []).map((block) => ({
      actions: block.actions ?? [],
      notActions: block.notActions ?? [],
      dataActions: block.dataActions ?? [],
      notDataActions: block.notDataActions ?? [],
    })),
    createdOn: String(properties.createdOn ?? '2015-02-02T21:55:09.8806423Z'),
    updatedOn: String(properties.updatedOn ?? properties.createdOn ?? '2015-02-02T21:55:09.8806423Z'),
  };
}

function roleAssignment(row: Json): FakeRoleAssignment {
  const properties = propertiesOf(row);
  const id = String(row.id);
  return {
    name: String(row.name ?? id.split('/').pop()),
    scope: String(properties.scope ?? id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '')),
    roleDefinition: String(properties.roleDefinitionId ?? '').split('/').pop() ?? '',
    principalId: String(properties.principalId ?? ''),
    principalType: (properties.principalType as FakeRoleAssignment['principalType']) ?? 'ServicePrincipal',
    createdOn: String(properties.createdOn ?? '2024-01-01T00:00:00.0000000Z'),
  };
}

/** Addresses of Kubernetes nodes by their scale set instance id (lowercased). */
async function nodeAddresses(dir: string): Promise<Map<string, InstanceAddresses>> {
  const addresses = new Map<string, InstanceAddresses>();
  const snapshot = await readKubernetesSnapshot(dir).catch(() => undefined);
  for (const node of snapshot?.clusters.flatMap((cluster) => cluster.objects).filter((object) => object.kind === 'Node') ?? []) {
    const instance = /\/subscriptions\/.*\/virtualMachines\/\d+$/i.exec(String(node.spec.providerID ?? ''))?.[0];
    if (!instance) continue;
    const list = (node.status.addresses ?? []) as Array<{ type?: string; address?: string }>;
    const internal = list.find((address) => address.type === 'InternalIP')?.address;
    const external = list.find((address) => address.type === 'ExternalIP')?.address;
    addresses.set(lower(instance), { ...(internal ? { internal } : {}), ...(external ? { external } : {}) });
  }
  return addresses;
}

export async function stateFromSnapshot(dir: string): Promise<FakeAzureState> {
  const snapshot = await readAzureSnapshot(dir);
  if (snapshot.errors.length) throw new Error(`the snapshot at ${dir} has errors: ${snapshot.errors.map((error) => `${error.path}: ${error.message}`).join('; ')}`);
  const all = snapshot.resources as Json[];
  const kindOf = (resource: Json): 'container' | 'authorization' | 'resource' =>
    lower(resource.type).startsWith(SUBSCRIPTION) ? 'container' : lower(resource.type).startsWith('microsoft.authorization/') ? 'authorization' : 'resource';
  const containers = all.filter((resource) => kindOf(resource) === 'container');
  const authorization = all.filter((resource) => kindOf(resource) === 'authorization');
  const resources = all.filter((resource) => kindOf(resource) === 'resource');
  const tenantId = String([...containers, ...resources].find((resource) => resource.tenantId)?.tenantId ?? FALLBACK_TENANT);
  const { subscriptions, managementGroups } = subscriptionsAndGroups(containers);
  for (const id of new Set(resources.map((resource) => subscriptionOf(String(resource.id))).filter((id): id is string => Boolean(id)))) {
    if (!subscriptions.some((subscription) => lower(subscription.subscriptionId) === id)) subscriptions.push({ subscriptionId: id, displayName: id, state: 'Enabled' });
  }
  const state = baseState({
    tenantId,
    // The directory names the company (examples/contoso → Contoso), as the tenant's display name would.
    tenantName: path.basename(path.resolve(dir)).replace(/^./, (first) => first.toUpperCase()),
    subscriptions,
    managementGroups,
    resourceGroups: resourceGroups(containers, resources),
    resources,
    roleDefinitions: authorization.filter((row) => lower(row.type) === 'microsoft.authorization/roledefinitions').map(roleDefinition),
    roleAssignments: authorization.filter((row) => lower(row.type) === 'microsoft.authorization/roleassignments').map(roleAssignment),
  });
  state.scaleSetNetwork = deriveScaleSetNetwork(resources, await nodeAddresses(dir));
  state.clusters = resources
    .filter((resource) => lower(resource.type) === 'microsoft.containerservice/managedclusters')
    .map((resource) => ({ id: String(resource.id), kubeconfig: () => defaultKubeconfig(state, resource) }));
  return state;
}
