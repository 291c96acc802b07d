/**
 * Resource Graph rows: the state's resources, subscriptions, resource groups
 * and role assignments/definitions in the columns Resource Graph answers
 * (lowercased `type`, `resourceGroup` and `location`; `subscriptionId`,
 * `tenantId`; empty strings and nulls where ARM has nothing), keeping only
 * what the principal may read.
 */
import { isAllowed, isAtOrBelow, managementGroupChain } from './rbac.js';
import { type FakeAzureState, type FakeRoleAssignment, type FakeRoleDefinition, type FakeSubscription, lower, resourceGroupOf, subscriptionOf } from './state.js';

type Row = Record<string, unknown>;

/** A resource as a Resources row; a row already in that shape comes back equal. */
function graphRow(resource: Record<string, unknown>, tenantId: string, subscription?: string, group?: string): Row {
  const id = String(resource.id);
  return {
    id,
    name: resource.name ?? id.split('/').pop(),
    type: lower(resource.type),
    tenantId: resource.tenantId || tenantId,
    kind: resource.kind ?? '',
    location: lower(resource.location),
    resourceGroup: lower(group ?? resourceGroupOf(id)),
    subscriptionId: subscription ?? subscriptionOf(id) ?? '',
    managedBy: resource.managedBy ?? '',
    sku: resource.sku ?? null,
    plan: resource.plan ?? null,
    properties: resource.properties ?? {},
    tags: resource.tags ?? null,
    identity: resource.identity ?? null,
    zones: resource.zones ?? null,
    extendedLocation: resource.extendedLocation ?? null,
  };
}

/** Scopes below resource groups where the principal has its own assignments or deny assignments: rows there are judged one by one. */
function fineScopes(state: FakeAzureState, principalId: string): string[] {
  const scopes = [...state.roleAssignments.filter((assignment) => lower(assignment.principalId) === lower(principalId)).map((assignment) => assignment.scope), ...state.denyAssignments.map((deny) => deny.scope)];
  return scopes.filter((scope) => /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/./i.test(scope));
}

export function resourceRows(state: FakeAzureState, principalId: string, subscriptions: ReadonlySet<string>): Row[] {
  const fine = fineScopes(state, principalId);
  // Reading a row needs `<type>/read`; judged once per resource group and type, the way roles are assigned.
  const decided = new Map<string, boolean>();
  const rows: Row[] = [];
  for (const resource of state.resources) {
    const id = String(resource.id);
    const subscription = subscriptionOf(id);
    if (!subscription || !subscriptions.has(subscription)) continue;
    const action = `${String(resource.type)}/read`;
    const group = resourceGroupOf(id);
    const scope = group ? `/subscriptions/${subscription}/resourceGroups/${group}` : `/subscriptions/${subscription}`;
    let allowed: boolean;
    if (fine.some((fineScope) => isAtOrBelow(id, fineScope))) allowed = isAllowed(state, principalId, action, id);
    else {
      const key = `${scope}|${action}`.toLowerCase();
      allowed = decided.get(key) ?? isAllowed(state, principalId, action, scope);
      decided.set(key, allowed);
    }
    if (allowed) rows.push(graphRow(resource, state.tenant.id, subscription, group ?? ''));
  }
  return rows;
}

function subscriptionRow(state: FakeAzureState, subscription: FakeSubscription): Row {
  const chain = managementGroupChain(state, subscription.managementGroup).map((name) => state.managementGroups.find((group) => lower(group.name) === name));
  return {
    ...graphRow({ id: `/subscriptions/${subscription.subscriptionId}`, name: subscription.displayName, type: 'microsoft.resources/subscriptions' }, state.tenant.id),
    properties: {
      state: subscription.state,
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
      managementGroupAncestorsChain: chain.filter((group) => group !== undefined).map((group) => ({ name: group.name, displayName: group.displayName })),
    },
    tags: {},
  };
}

export function containerRows(state: FakeAzureState, principalId: string, subscriptions: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const subscription of state.subscriptions) {
    const id = lower(subscription.subscriptionId);
    if (!subscriptions.has(id) || !isAllowed(state, principalId, 'Microsoft.Resources/subscriptions/read', `/subscriptions/${id}`)) continue;
    rows.push(subscriptionRow(state, subscription));
  }
  for (const group of state.resourceGroups) {
    const scope = `/subscriptions/${group.subscriptionId}/resourceGroups/${group.name}`;
    if (!subscriptions.has(lower(group.subscriptionId)) || !isAllowed(state, principalId, 'Microsoft.Resources/subscriptions/resourceGroups/read', scope)) continue;
    rows.push(
      graphRow(
        { id: scope, name: group.name, type: 'microsoft.resources/subscriptions/resourcegroups', location: group.location, managedBy: group.managedBy ?? '', tags: group.tags ?? {}, properties: { provisioningState: 'Succeeded' } },
        state.tenant.id,
      ),
    );
  }
  return rows;
}

/** A role definition's id as seen from a scope: subscription-qualified inside a subscription, tenant-level elsewhere. */
export function roleDefinitionIdAt(scope: string, definition: string): string {
  const subscription = subscriptionOf(scope);
  return `${subscription ? `/subscriptions/${subscription}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${definition}`;
}

export const roleAssignmentId = (assignment: FakeRoleAssignment): string => `${assignment.scope === '/' ? '' : assignment.scope}/providers/Microsoft.Authorization/roleAssignments/${assignment.name}`;

/** Who made the role assignments: an administrator of the tenant, never the app itself. */
const ADMINISTRATOR = '2c9d4e1f-8a3b-4c6d-b5e7-0f1a2b3c4d5e';

export function roleAssignmentProperties(assignment: FakeRoleAssignment): Record<string, unknown> {
  return {
    roleDefinitionId: roleDefinitionIdAt(assignment.scope, assignment.roleDefinition),
    principalId: assignment.principalId,
    principalType: assignment.principalType,
    scope: assignment.scope,
    condition: null,
    conditionVersion: null,
    createdOn: assignment.createdOn,
    updatedOn: assignment.createdOn,
    createdBy: ADMINISTRATOR,
    updatedBy: ADMINISTRATOR,
    delegatedManagedIdentityResourceId: null,
    description: null,
  };
}

export function roleDefinitionProperties(definition: FakeRoleDefinition): Record<string, unknown> {
  return {
    roleName: definition.roleName,
    type: definition.type,
    description: definition.description,
    assignableScopes: definition.assignableScopes,
    permissions: definition.permissions,
    createdOn: definition.createdOn,
    updatedOn: definition.updatedOn,
    createdBy: null,
    updatedBy: null,
  };
}

export function authorizationRows(state: FakeAzureState, principalId: string, keep: (scope: string) => boolean): Row[] {
  const assignments = state.roleAssignments
    .filter((assignment) => keep(assignment.scope) && isAllowed(state, principalId, 'Microsoft.Authorization/roleAssignments/read', assignment.scope))
    .map((assignment) => ({
      ...graphRow({ id: roleAssignmentId(assignment), name: assignment.name, type: 'microsoft.authorization/roleassignments' }, state.tenant.id),
      properties: roleAssignmentProperties(assignment),
    }));
  const definitions = state.roleDefinitions.map((definition) => ({
    ...graphRow({ id: `/providers/Microsoft.Authorization/RoleDefinitions/${definition.name}`, name: definition.name, type: 'microsoft.authorization/roledefinitions' }, definition.type === 'BuiltInRole' ? '' : state.tenant.id),
    properties: roleDefinitionProperties(definition),
  }));
  return [...assignments, ...definitions];
}
