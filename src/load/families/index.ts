import { KUBERNETES_FAMILY_KEYS } from '../kubernetes/index.js';
import type { ResourceFamily } from './family.js';
import { applicationGateways } from './application-gateways.js';
import { authorization } from './authorization.js';
import { virtualMachines, virtualMachineScaleSets } from './compute.js';
import { containerRegistries } from './container-registries.js';
import { keyVaults, sqlServers, storageAccounts } from './data-stores.js';
import { managedIdentities } from './identities.js';
import { loadBalancers } from './load-balancers.js';
import { managedClusters } from './managed-clusters.js';
import { networkInterfaces } from './network-interfaces.js';
import { networkSecurityGroups } from './network-security-groups.js';
import { publicIpAddresses } from './public-ip-addresses.js';
import { resourceContainers } from './resource-containers.js';
import { virtualNetworks } from './virtual-networks.js';

const applicationSecurityGroups: ResourceFamily = {
  key: 'applicationSecurityGroups',
  name: 'application security groups',
  armTypes: ['microsoft.network/applicationsecuritygroups'],
  transform(resource, context) {
    context.addResourceNode(resource, 'ApplicationSecurityGroup', {});
  },
};

export const AZURE_FAMILIES: readonly ResourceFamily[] = [
  resourceContainers,
  virtualNetworks,
  networkSecurityGroups,
  applicationSecurityGroups,
  publicIpAddresses,
  networkInterfaces,
  virtualMachines,
  virtualMachineScaleSets,
  loadBalancers,
  applicationGateways,
  managedIdentities,
  keyVaults,
  storageAccounts,
  sqlServers,
  containerRegistries,
  managedClusters,
  authorization,
];

/**
 * Every family key a manifest may name, including the generic one for types
 * reachgraph does not model and the Kubernetes families (whose scope is a
 * cluster's ARM id, lowercased).
 */
export const ALL_FAMILY_KEYS: readonly string[] = [...AZURE_FAMILIES.map((family) => family.key), 'genericResources', ...KUBERNETES_FAMILY_KEYS];

export type { ResourceFamily } from './family.js';
