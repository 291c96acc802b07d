import { describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, managementGroupId, stateFromSnapshot, syntheticState } from './index.js';
import { isAllowed } from './rbac.js';

const PROD = '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const HUB = '4e1a7c3b-92d5-4f08-b6e1-0c9d8a7f2e35';

describe('fake Azure state', () => {
  it('reads the Contoso estate: subscriptions, management groups, resource groups, clusters, scale set networks', async () => {
    const state = await stateFromSnapshot('examples/contoso');
    expect(state.tenant).toEqual({ id: 'b3d8f1c2-6a4e-4c1d-9f2a-7e5b0c8d2a61', displayName: 'Contoso', domains: ['contoso.onmicrosoft.com'] });
    expect(state.subscriptions).toEqual([
      { subscriptionId: HUB, displayName: 'contoso-connectivity', state: 'Enabled', managementGroup: 'mg-contoso-platform' },
      { subscriptionId: PROD, displayName: 'contoso-prod', state: 'Enabled', managementGroup: 'mg-contoso-landingzones' },
    ]);
    expect(state.managementGroups.map((group) => [group.name, group.parent])).toEqual([
      [state.tenant.id, undefined],
      ['mg-contoso-platform', 'mg-contoso'],
      ['mg-contoso', state.tenant.id],
      ['mg-contoso-landingzones', 'mg-contoso'],
    ]);
    expect(state.resourceGroups.map((group) => group.name)).toEqual(['rg-hub-network', 'rg-prod-web', 'rg-prod-data', 'rg-prod-aks', 'MC_rg-prod-aks_aks-prod_westeurope', 'MC_rg-prod-aks_aks-internal_westeurope']);
    expect(state.resources.some((resource) => String(resource.type).toLowerCase().startsWith('microsoft.resources/') || String(resource.type).toLowerCase().startsWith('microsoft.authorization/'))).toBe(false);
    expect(state.clusters.map((cluster) => cluster.id.split('/').pop())).toEqual(['aks-prod', 'aks-internal']);
    expect(state.clusters[0]?.kubeconfig()).toContain('server: https://aks-prod-k7x2m9qd.hcp.westeurope.azmk8s.io:443');
    expect(Object.keys(state.scaleSetNetwork).map((id) => id.split('/').pop())).toEqual(['aks-system-27183945-vmss', 'aks-edge-27183945-vmss', 'vmss-api']);
    expect(state.roleAssignments.filter((assignment) => assignment.principalId !== state.app.objectId)).toHaveLength(7);
  });

  it('gives the app every prerequisite of azure check at the root management group, and nothing more', async () => {
    const state = await stateFromSnapshot('examples/contoso');
    const app = state.app.objectId;
    const cluster = `/subscriptions/${PROD}/resourceGroups/rg-prod-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
    expect(state.roleAssignments.filter((assignment) => assignment.principalId === app).every((assignment) => assignment.scope === managementGroupId(state.tenant.id))).toBe(true);
    expect(isAllowed(state, app, 'Microsoft.Network/networkInterfaces/read', `/subscriptions/${PROD}/resourceGroups/rg-prod-web`)).toBe(true);
    expect(isAllowed(state, app, 'Microsoft.Management/managementGroups/read', managementGroupId('mg-contoso'))).toBe(true);
    expect(isAllowed(state, app, 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', cluster)).toBe(true);
    expect(isAllowed(state, app, 'Microsoft.Web/sites/config/list/action', `/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Web/sites/app`)).toBe(true);
    expect(isAllowed(state, app, 'Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action', cluster)).toBe(false);
    expect(isAllowed(state, app, 'Microsoft.Compute/virtualMachines/write', `/subscriptions/${PROD}`)).toBe(false);
    expect(state.roleDefinitions.find((role) => role.name === BUILT_IN_ROLES.aksRbacReader.name)?.permissions[0]?.dataActions).toContain('Microsoft.ContainerService/managedClusters/pods/read');
  });

  it('builds the benchmark estate cheaply and deterministically', () => {
    const started = performance.now();
    const state = syntheticState({ subscriptions: 10, resources: 50_000 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(state.resources).toHaveLength(50_000);
    expect(new Set(state.resources.map((resource) => resource.id)).size).toBe(50_000);
    expect(new Set(state.resources.map((resource) => resource.subscriptionId)).size).toBe(10);
    expect(syntheticState({ subscriptions: 10, resources: 10 }).resources[3]?.id).toBe(state.resources[3]?.id);
  });
});
