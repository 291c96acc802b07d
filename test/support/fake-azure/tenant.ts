/**
 * Tenant-level ARM: the subscriptions the principal can see
 * (Microsoft.Resources, `GET /subscriptions`) and management groups
 * (Microsoft.Management, list and get with `$expand=children`, `$recurse`).
 */
import { type ArmRequest, type ArmRoute, armError, authorizationFailed, ok, page, routePattern } from './arm-wire.js';
import { hasAnyRoleAround, isAllowed } from './rbac.js';
import { type FakeAzureState, type FakeManagementGroup, type FakeSubscription, lower, managementGroupId } from './state.js';

const MG_TYPE = 'Microsoft.Management/managementGroups';

function subscriptionBody(state: FakeAzureState, subscription: FakeSubscription): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    tags: {},
    subscriptionId: subscription.subscriptionId,
    tenantId: state.tenant.id,
    displayName: subscription.displayName,
    state: subscription.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'EnterpriseAgreement_2014-09-01', spendingLimit: 'Off' },
  };
}

const visibleSubscriptions = (request: ArmRequest): FakeSubscription[] =>
  request.state.subscriptions.filter((subscription) => subscription.state !== 'Deleted' && hasAnyRoleAround(request.state, request.claims.oid, `/subscriptions/${subscription.subscriptionId}`));

const groupOf = (state: FakeAzureState, name: string): FakeManagementGroup | undefined => state.managementGroups.find((group) => lower(group.name) === lower(name));

const parentOf = (state: FakeAzureState, subscription: FakeSubscription): string => subscription.managementGroup ?? state.tenant.id;

function children(state: FakeAzureState, group: FakeManagementGroup, recurse: boolean): Array<Record<string, unknown>> {
  const groups = state.managementGroups
    .filter((candidate) => lower(candidate.parent) === lower(group.name))
    .map((child) => ({ type: MG_TYPE, id: managementGroupId(child.name), name: child.name, displayName: child.displayName, ...(recurse ? { children: children(state, child, true) } : {}) }));
  const subscriptions = state.subscriptions
    .filter((subscription) => subscription.state !== 'Deleted' && lower(parentOf(state, subscription)) === lower(group.name))
    .map((subscription) => ({ type: '/subscriptions', id: `/subscriptions/${subscription.subscriptionId}`, name: subscription.subscriptionId, displayName: subscription.displayName }));
  return [...groups, ...subscriptions];
}

function managementGroupBody(request: ArmRequest, group: FakeManagementGroup): Record<string, unknown> {
  const { state } = request;
  const parent = group.parent ? groupOf(state, group.parent) : undefined;
  const expand = lower(request.query.get('$expand')).split(',').includes('children');
  return {
    id: managementGroupId(group.name),
    type: MG_TYPE,
    name: group.name,
    properties: {
      tenantId: state.tenant.id,
      displayName: group.displayName,
      details: {
        version: 1,
        updatedTime: '2024-01-15T10:00:00.0000000Z',
        updatedBy: state.app.objectId,
        parent: parent ? { id: managementGroupId(parent.name), name: parent.name, displayName: parent.displayName } : null,
      },
      ...(expand ? { children: children(state, group, request.query.get('$recurse') === 'true') } : {}),
    },
  };
}

export const tenantRoutes: ArmRoute[] = [
  {
    method: 'GET',
    pattern: routePattern('/subscriptions'),
    handle(request) {
      const visible = visibleSubscriptions(request);
      return page(request, visible.map((subscription) => subscriptionBody(request.state, subscription)), { count: { type: 'Total', value: visible.length } });
    },
  },
  {
    method: 'GET',
    pattern: routePattern('/subscriptions/{subscriptionId}'),
    handle(request, [subscriptionId = '']) {
      const subscription = visibleSubscriptions(request).find((candidate) => lower(candidate.subscriptionId) === lower(subscriptionId));
      // Without any role in it, a subscription is indistinguishable from one that does not exist.
      if (!subscription) return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
      return ok(subscriptionBody(request.state, subscription));
    },
  },
  {
    method: 'GET',
    pattern: routePattern('/providers/Microsoft.Management/managementGroups'),
    handle(request) {
      const readable = request.state.managementGroups.filter((group) => isAllowed(request.state, request.claims.oid, 'Microsoft.Management/managementGroups/read', managementGroupId(group.name)));
      return page(request, readable.map((group) => ({ id: managementGroupId(group.name), type: MG_TYPE, name: group.name, properties: { tenantId: request.state.tenant.id, displayName: group.displayName } })));
    },
  },
  {
    method: 'GET',
    pattern: routePattern('/providers/Microsoft.Management/managementGroups/{groupId}'),
    handle(request, [name = '']) {
      const scope = managementGroupId(name);
      if (!isAllowed(request.state, request.claims.oid, 'Microsoft.Management/managementGroups/read', scope)) return authorizationFailed(request, 'Microsoft.Management/managementGroups/read', scope);
      const group = groupOf(request.state, name);
      if (!group) return armError(404, 'NotFound', `Management group '${name}' was not found.`);
      return ok(managementGroupBody(request, group));
    },
  },
];
