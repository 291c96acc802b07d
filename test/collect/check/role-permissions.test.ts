import { describe, expect, it } from 'vitest';
import { covers, satisfies } from '../../../src/collect/check/role-permissions.js';

const role = (actions: string[], dataActions: string[] = [], notActions: string[] = []) => ({ scope: '/', roleName: 'r', permissions: [{ actions, notActions, dataActions, notDataActions: [] }] });

describe('role permissions', () => {
  it('matches wildcards case-insensitively and subtracts notActions', () => {
    expect(satisfies(role(['*/read']), { actions: ['Microsoft.Network/networkSecurityGroups/read'] })).toBe(true);
    expect(satisfies(role(['*/read']), { actions: ['Microsoft.Web/sites/config/list/action'] })).toBe(false);
    expect(satisfies(role(['*'], [], ['Microsoft.Authorization/*/Write']), { actions: ['microsoft.authorization/roleassignments/write'] })).toBe(false);
    // Contributor-like roles hold no data actions.
    expect(satisfies(role(['*']), { dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'] })).toBe(false);
    expect(satisfies(role([], ['Microsoft.ContainerService/managedClusters/*/read']), { dataActions: ['Microsoft.ContainerService/managedClusters/pods/read'] })).toBe(true);
  });

  it('counts an assignment on its scope and every scope below it', () => {
    const noGroups = () => false;
    expect(covers('/subscriptions/S', '/subscriptions/s', noGroups)).toBe(true);
    expect(covers('/', '/subscriptions/s', noGroups)).toBe(true);
    expect(covers('/subscriptions/s/resourceGroups/rg', '/subscriptions/s', noGroups)).toBe(false);
    expect(covers('/providers/Microsoft.Management/managementGroups/root', '/subscriptions/s', (group) => group.endsWith('/root'))).toBe(true);
  });
});
