/**
 * Microsoft.Authorization at any scope (`/`, a management group, a
 * subscription, a resource group): role assignments, filtered by
 * `assignedTo('<id>')`, `principalId eq '<id>'` or `atScope()`, with those
 * inherited from above as ARM lists them; role definitions, one or all.
 */
import { type ArmReply, type ArmRequest, type ArmRoute, armError, authorizationFailed, ok, page, resourceGroupMissing } from './arm-wire.js';
import { isAllowed, isAtOrBelow, scopeKey, scopesAbove } from './rbac.js';
import { roleAssignmentId, roleAssignmentProperties, roleDefinitionIdAt, roleDefinitionProperties } from './rows.js';
import { type FakeRoleDefinition, lower } from './state.js';

const SCOPE = '((?:/[^/]+)*?)';

/** The request's scope as ARM writes it (`/` for the tenant root), or the refusal to read at it. */
function readScope(request: ArmRequest, given: string, action: string): string | ArmReply {
  const scope = given || '/';
  const missing = resourceGroupMissing(request);
  if (!isAllowed(request.state, request.claims.oid, action, scope)) return authorizationFailed(request, action, scope);
  return missing ?? scope;
}

function assignmentFilter(filter: string | null): { principal?: string; atScope: boolean } | undefined {
  if (!filter) return { atScope: false };
  const atScope = /\batScope\(\)/i.test(filter);
  const principal = /assignedTo\('([^']+)'\)/i.exec(filter)?.[1] ?? /principalId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
  const rest = filter.replace(/\batScope\(\)|assignedTo\('[^']+'\)|principalId\s+eq\s+'[^']+'|\s+and\s+/gi, '').trim();
  return rest ? undefined : { ...(principal ? { principal } : {}), atScope };
}

function definitionBody(scope: string, definition: FakeRoleDefinition): Record<string, unknown> {
  return { properties: roleDefinitionProperties(definition), id: roleDefinitionIdAt(scope, definition.name), type: 'Microsoft.Authorization/roleDefinitions', name: definition.name };
}

export const authorizationRoutes: ArmRoute[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleAssignments/?$`, 'i'),
    handle(request, [given = '']) {
      const scope = readScope(request, given, 'Microsoft.Authorization/roleAssignments/read');
      if (typeof scope !== 'string') return scope;
      const filter = assignmentFilter(request.query.get('$filter'));
      if (!filter) {
        return armError(400, 'UnsupportedQuery', `The filter '${request.query.get('$filter')}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}' or assignedTo('{value}')'.`);
      }
      const above = scopesAbove(request.state, scope);
      // Inside a subscription ARM lists what applies there and what is assigned below; at a management group or the root, what applies there.
      const includeBelow = !filter.atScope && scope.startsWith('/subscriptions/');
      const assignments = request.state.roleAssignments.filter(
        (assignment) =>
          (!filter.principal || lower(assignment.principalId) === lower(filter.principal)) &&
          (above.has(scopeKey(assignment.scope)) || (includeBelow && isAtOrBelow(assignment.scope, scope))),
      );
      return page(
        request,
        assignments.map((assignment) => ({ properties: roleAssignmentProperties(assignment), id: roleAssignmentId(assignment), type: 'Microsoft.Authorization/roleAssignments', name: assignment.name })),
      );
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions/([^/]+)/?$`, 'i'),
    handle(request, [given = '', name = '']) {
      const scope = readScope(request, given, 'Microsoft.Authorization/roleDefinitions/read');
      if (typeof scope !== 'string') return scope;
      const definition = request.state.roleDefinitions.find((candidate) => lower(candidate.name) === lower(name));
      if (!definition) return armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${name}' does not exist.`);
      return ok(definitionBody(scope, definition));
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SCOPE}/providers/Microsoft\\.Authorization/roleDefinitions/?$`, 'i'),
    handle(request, [given = '']) {
      const scope = readScope(request, given, 'Microsoft.Authorization/roleDefinitions/read');
      if (typeof scope !== 'string') return scope;
      const filter = request.query.get('$filter') ?? '';
      const roleName = /roleName\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
      const type = /type\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
      const above = scopesAbove(request.state, scope);
      const definitions = request.state.roleDefinitions.filter(
        (definition) =>
          (!roleName || lower(definition.roleName) === lower(roleName)) &&
          (!type || lower(definition.type) === lower(type)) &&
          // A custom role shows where it may be assigned: at its assignable scopes and below them.
          (definition.type === 'BuiltInRole' || definition.assignableScopes.some((assignable) => above.has(scopeKey(assignable)))),
      );
      return page(request, definitions.map((definition) => definitionBody(scope, definition)));
    },
  },
];
