/**
 * Azure RBAC as ARM evaluates it: a principal may perform an action at a
 * scope when a role assignment at that scope or above (resource group,
 * subscription, management groups up to the root, `/`) grants it through its
 * role's actions minus notActions, and no deny assignment there blocks it.
 * The same assignments answer `roleAssignments?$filter=assignedTo()`, so
 * what `azure check` reads and what the collector is allowed always agree.
 */
import { type FakeAzureState, type FakeRoleAssignment, lower, managementGroupId, subscriptionOf } from './state.js';

const patterns = new Map<string, RegExp>();

/** Whether an action matches a role's action pattern (`*` is a wildcard; case-insensitive). */
function actionMatches(pattern: string, action: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`, 'i');
    patterns.set(pattern, regex);
  }
  return regex.test(action);
}

/** A scope as compared: lowercased, without a trailing slash; the root is `/`. */
export const scopeKey = (scope: string): string => lower(scope).replace(/\/+$/, '') || '/';

/** The management groups above a subscription or group, nearest first, the root last (lowercased names). */
export function managementGroupChain(state: FakeAzureState, start: string | undefined): string[] {
  const chain: string[] = [];
  let current = lower(start ?? state.tenant.id);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const group = state.managementGroups.find((candidate) => lower(candidate.name) === current);
    current = lower(group?.parent);
  }
  return chain;
}

/** Every scope whose assignments apply at `scope` (lowercased): the scope, its prefixes, the management groups above and `/`. */
export function scopesAbove(state: FakeAzureState, scope: string): Set<string> {
  const target = scopeKey(scope);
  const scopes = new Set<string>(['/']);
  const segments = target.split('/').filter(Boolean);
  for (let index = 1; index <= segments.length; index += 1) scopes.add(`/${segments.slice(0, index).join('/')}`);
  const subscription = subscriptionOf(target);
  const group = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)/.exec(target)?.[1];
  const start = subscription ? state.subscriptions.find((candidate) => lower(candidate.subscriptionId) === subscription)?.managementGroup : group;
  if (subscription || group) for (const name of managementGroupChain(state, start)) scopes.add(lower(managementGroupId(name)));
  return scopes;
}

/** Whether an assignment's scope lies at or below `scope` (the subscription itself, or something inside it). */
export function isAtOrBelow(assignmentScope: string, scope: string): boolean {
  const inner = lower(assignmentScope);
  const outer = scopeKey(scope);
  return inner === outer || inner.startsWith(`${outer}/`);
}

function assignmentsOf(state: FakeAzureState, principalId: string): FakeRoleAssignment[] {
  const principal = lower(principalId);
  return state.roleAssignments.filter((assignment) => lower(assignment.principalId) === principal);
}

/** Whether `principalId` may perform `action` at `scope`. */
export function isAllowed(state: FakeAzureState, principalId: string, action: string, scope: string): boolean {
  const above = scopesAbove(state, scope);
  if (state.denyAssignments.some((deny) => above.has(scopeKey(deny.scope)) && deny.actions.some((pattern) => actionMatches(pattern, action)))) return false;
  return assignmentsOf(state, principalId).some((assignment) => {
    if (!above.has(scopeKey(assignment.scope))) return false;
    const role = state.roleDefinitions.find((definition) => lower(definition.name) === lower(assignment.roleDefinition));
    return (role?.permissions ?? []).some(
      (block) => block.actions.some((pattern) => actionMatches(pattern, action)) && !block.notActions.some((pattern) => actionMatches(pattern, action)),
    );
  });
}

/** Whether the principal holds any role at, above or below `scope` (what makes a subscription or group visible in lists). */
export function hasAnyRoleAround(state: FakeAzureState, principalId: string, scope: string): boolean {
  const above = scopesAbove(state, scope);
  return assignmentsOf(state, principalId).some((assignment) => above.has(scopeKey(assignment.scope)) || isAtOrBelow(assignment.scope, scope));
}
