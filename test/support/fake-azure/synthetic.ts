/**
 * A large made-up estate for the benchmark: N subscriptions (half under one
 * management group, half under another), ten resource groups each, and M
 * self-contained resources (NSGs, unattached public IPs, storage accounts,
 * key vaults, managed identities) spread evenly, built as Resource Graph
 * rows so building and serving them stays cheap.
 */
import { baseState } from './defaults.js';
import { type FakeAzureState, type FakeResourceGroup, type FakeSubscription, stableGuid } from './state.js';

const GROUPS_PER_SUBSCRIPTION = 10;
const LOCATION = 'westeurope';

/** A unique GUID per kind and index, without hashing: fifty thousand of them must cost nothing. */
const serialGuid = (kind: number, index: number): string => `5e7a0000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${index.toString(16).padStart(12, '0')}`;

type Make = (index: number, tenantId: string) => { provider: string; name: string; kind?: string; sku?: Record<string, unknown>; properties: Record<string, unknown> };

const KINDS: Make[] = [
  (index) => ({ provider: 'Microsoft.Network/networkSecurityGroups', name: `nsg-${index}`, properties: { provisioningState: 'Succeeded', resourceGuid: serialGuid(1, index), securityRules: [] } }),
  (index) => ({
    provider: 'Microsoft.Network/publicIPAddresses',
    name: `pip-${index}`,
    sku: { name: 'Standard', tier: 'Regional' },
    // 198.18.0.0/15 is set aside for benchmarks.
    properties: { provisioningState: 'Succeeded', ipAddress: `198.${18 + ((index >> 16) & 1)}.${(index >> 8) & 255}.${index & 255}`, publicIPAddressVersion: 'IPv4', publicIPAllocationMethod: 'Static', idleTimeoutInMinutes: 4 },
  }),
  (index) => ({
    provider: 'Microsoft.Storage/storageAccounts',
    name: `st${index.toString(36).padStart(8, '0')}`,
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    properties: { provisioningState: 'Succeeded', allowBlobPublicAccess: false, allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2', publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] } },
  }),
  (index, tenantId) => ({
    provider: 'Microsoft.KeyVault/vaults',
    name: `kv-${index}`,
    properties: { tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] } },
  }),
  (index, tenantId) => ({
    provider: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    name: `id-${index}`,
    properties: { tenantId, principalId: serialGuid(2, index), clientId: serialGuid(3, index) },
  }),
];

export interface SyntheticOptions {
  subscriptions: number;
  resources: number;
}

export function syntheticState(options: SyntheticOptions): FakeAzureState {
  const tenantId = stableGuid('synthetic tenant');
  const subscriptions: FakeSubscription[] = Array.from({ length: options.subscriptions }, (_, index) => ({
    subscriptionId: stableGuid('synthetic subscription', String(index)),
    displayName: `synthetic-${String(index).padStart(3, '0')}`,
    state: 'Enabled',
    managementGroup: index % 2 ? 'mg-synthetic-b' : 'mg-synthetic-a',
  }));
  const resourceGroups: FakeResourceGroup[] = subscriptions.flatMap((subscription) =>
    Array.from({ length: GROUPS_PER_SUBSCRIPTION }, (_, index) => ({ subscriptionId: subscription.subscriptionId, name: `rg-${String(index).padStart(2, '0')}`, location: LOCATION })),
  );
  const resources = Array.from({ length: options.resources }, (_, index) => {
    const made = (KINDS[index % KINDS.length] as Make)(index, tenantId);
    const subscription = subscriptions[index % subscriptions.length] as FakeSubscription;
    const group = `rg-${String(Math.floor(index / subscriptions.length) % GROUPS_PER_SUBSCRIPTION).padStart(2, '0')}`;
    return {
      id: `/subscriptions/${subscription.subscriptionId}/resourceGroups/${group}/providers/${made.provider}/${made.name}`,
      name: made.name,
      type: made.provider.toLowerCase(),
      tenantId,
      kind: made.kind ?? '',
      location: LOCATION,
      resourceGroup: group,
      subscriptionId: subscription.subscriptionId,
      managedBy: '',
      sku: made.sku ?? null,
      plan: null,
      properties: made.properties,
      tags: { environment: 'benchmark' },
      identity: null,
      zones: null,
      extendedLocation: null,
    };
  });
  const state = baseState({
    tenantId,
    tenantName: 'Synthetic',
    subscriptions,
    managementGroups: [
      { name: 'mg-synthetic-a', displayName: 'Synthetic A', parent: tenantId },
      { name: 'mg-synthetic-b', displayName: 'Synthetic B', parent: tenantId },
    ],
    resourceGroups,
    resources,
  });
  // A benchmark measures the collector, not Resource Graph's throttling; tests that want it set the quota.
  state.quota = { perWindow: 10_000, windowMs: 5000 };
  return state;
}
