/**
 * `reachgraph azure check`: the connector's CONNECT button. Signs in, lists
 * what the credential sees, and checks every prerequisite, each with the fix
 * for what is missing. Nothing here prints a secret or a token.
 */
import { ArmRest } from '../arm/arm-rest.js';
import { defaultScope } from '../connection/clouds.js';
import type { AzureConnection } from '../connection/connection.js';
import { describeDiagnosis, diagnose } from '../connection/diagnose.js';
import { tokenClaims, viewTenant, type ScopeFilter, type TenantView } from '../tenant.js';
import { PREREQUISITES, type Prerequisite, type RbacPrerequisite } from './prerequisites.js';
import { assignmentsOf, covers, type EffectiveAssignment, type RawDefinition, satisfies } from './role-permissions.js';

export type CheckStatus = 'pass' | 'fail' | 'not-applicable';

export interface CheckResult {
  id: string;
  title: string;
  required: boolean;
  status: CheckStatus;
  detail: string;
  /** Scopes that lack it (subscriptions), when per subscription. */
  missing: string[];
  fix?: { portal: string; az: string[] };
}

export interface CheckReport {
  ok: boolean;
  tenantId: string;
  cloud: string;
  principal: { clientId: string | null; objectId: string | null; method: string };
  managementGroups: TenantView['managementGroups'];
  subscriptions: Array<{ subscriptionId: string; displayName: string; state: string }>;
  checks: CheckResult[];
}

function fixFor(prerequisite: Prerequisite, context: { app: string; tenant: string }, scopes: readonly string[]): CheckResult['fix'] {
  const fill = (text: string, scope = ''): string => text.replaceAll('<app>', context.app).replaceAll('<tenant>', context.tenant).replaceAll('<scope>', scope);
  const az = prerequisite.fix.az.includes('<scope>') ? scopes.map((scope) => fill(prerequisite.fix.az, scope)) : [fill(prerequisite.fix.az)];
  return { portal: fill(prerequisite.fix.portal), az };
}

async function resourceTypesBySubscription(arm: ArmRest, subscriptionId: string, types: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const type of types) {
    const [namespace, resource] = type.split('/') as [string, string];
    for await (const item of arm.list(`/subscriptions/${subscriptionId}/providers/${namespace}/${resource}`, '2024-02-01')) {
      if (item) found.add(type);
      break;
    }
  }
  return found;
}

async function checkRbac(prerequisite: RbacPrerequisite, tenant: TenantView, assignments: Map<string, EffectiveAssignment[] | Error>, present: Map<string, Set<string>>): Promise<Omit<CheckResult, 'id' | 'title' | 'required' | 'fix'>> {
  const missing: string[] = [];
  let applicable = 0;
  const groups = new Set(tenant.managementGroups.map((group) => group.id.toLowerCase()));
  for (const subscription of tenant.subscriptions) {
    if (prerequisite.onlyWith && !present.get(subscription.subscriptionId)?.has(prerequisite.onlyWith)) continue;
    applicable += 1;
    const scope = `/subscriptions/${subscription.subscriptionId}`;
    const found = assignments.get(subscription.subscriptionId);
    const ok =
      Array.isArray(found) &&
      found.some((assignment) => (covers(assignment.scope, scope, (group) => groups.has(group)) || (prerequisite.belowCounts === true && assignment.scope.toLowerCase().startsWith(`${scope.toLowerCase()}/`))) && satisfies(assignment, prerequisite.requirement));
    if (!ok) missing.push(scope);
  }
  if (applicable === 0) return { status: 'not-applicable', detail: prerequisite.onlyWith ? `no subscription holds ${prerequisite.onlyWith.split('/').pop()}` : 'no subscription visible', missing };
  if (missing.length === 0) return { status: 'pass', detail: `granted on ${applicable} of ${applicable} subscription(s)`, missing };
  return { status: 'fail', detail: `missing on ${missing.length} of ${applicable} subscription(s): ${missing.map((scope) => scope.split('/').pop()).join(', ')}`, missing };
}

export async function checkConnection(connection: AzureConnection, filter: ScopeFilter = {}): Promise<CheckReport> {
  const tenant = await viewTenant(connection, filter);
  const arm = new ArmRest(connection);
  const app = connection.auth.clientId ?? tenant.objectId ?? '<principal>';
  const context = { app, tenant: tenant.tenantId };

  const definitions = new Map<string, Promise<RawDefinition>>();
  const assignments = new Map<string, EffectiveAssignment[] | Error>();
  const present = new Map<string, Set<string>>();
  const onlyWith = [...new Set(PREREQUISITES.flatMap((prerequisite) => (prerequisite.kind === 'rbac' && prerequisite.onlyWith ? [prerequisite.onlyWith] : [])))];
  await Promise.all(
    tenant.subscriptions.map(async (subscription) => {
      const scope = `/subscriptions/${subscription.subscriptionId}`;
      try {
        assignments.set(subscription.subscriptionId, tenant.objectId ? await assignmentsOf(arm, scope, tenant.objectId, definitions) : new Error('the token carries no object id'));
      } catch (error) {
        assignments.set(subscription.subscriptionId, error as Error);
      }
      present.set(subscription.subscriptionId, await resourceTypesBySubscription(arm, subscription.subscriptionId, onlyWith).catch(() => new Set(onlyWith)));
    }),
  );

  let graphRoles: Set<string> | Error;
  try {
    const token = await connection.auth.credential.getToken(defaultScope(connection.endpoints.graph));
    const roles = tokenClaims(token?.token ?? '').roles;
    graphRoles = new Set(Array.isArray(roles) ? roles.map(String) : []);
  } catch (error) {
    graphRoles = new Error(describeDiagnosis(diagnose(error, { tenantId: tenant.tenantId, clientId: connection.auth.clientId, action: 'signing in to Microsoft Graph' })));
  }

  const checks: CheckResult[] = [];
  for (const prerequisite of PREREQUISITES) {
    let outcome: Omit<CheckResult, 'id' | 'title' | 'required' | 'fix'>;
    if (prerequisite.kind === 'rbac') outcome = await checkRbac(prerequisite, tenant, assignments, present);
    else if (prerequisite.kind === 'root-management-group')
      outcome = tenant.rootManagementGroup.readable ? { status: 'pass', detail: `root management group ${tenant.tenantId} readable`, missing: [] } : { status: 'fail', detail: tenant.rootManagementGroup.reason, missing: [`/providers/Microsoft.Management/managementGroups/${tenant.tenantId}`] };
    else if (graphRoles instanceof Error) outcome = { status: 'fail', detail: graphRoles.message, missing: [] };
    else if (graphRoles.has(prerequisite.permission)) outcome = { status: 'pass', detail: 'granted with admin consent (in the token\'s roles)', missing: [] };
    else if (prerequisite.equivalent?.every((permission) => (graphRoles as Set<string>).has(permission))) outcome = { status: 'pass', detail: `granted as its least-privileged equivalent: ${prerequisite.equivalent.join(', ')}`, missing: [] };
    else outcome = { status: 'fail', detail: `not granted with admin consent: absent from the Graph token's roles${prerequisite.equivalent ? ` (nor all of ${prerequisite.equivalent.join(', ')})` : ''}`, missing: [] };
    checks.push({
      id: prerequisite.id,
      title: prerequisite.title,
      required: prerequisite.required,
      ...outcome,
      ...(outcome.status === 'fail' ? { fix: fixFor(prerequisite, context, outcome.missing) } : {}),
    });
  }
  const unreadable = [...assignments].filter(([, value]) => value instanceof Error);
  if (unreadable.length > 0) {
    const first = unreadable[0]?.[1] as Error;
    checks.unshift({ id: 'role-assignments-readable', title: 'Role assignments readable', required: false, status: 'fail', detail: `cannot read role assignments of ${unreadable.length} subscription(s): ${describeDiagnosis(diagnose(first))}`, missing: unreadable.map(([id]) => `/subscriptions/${id}`) });
  }
  return {
    ok: checks.every((check) => !check.required || check.status !== 'fail'),
    tenantId: tenant.tenantId,
    cloud: connection.endpoints.cloud,
    principal: { clientId: connection.auth.clientId ?? null, objectId: tenant.objectId ?? null, method: connection.auth.method },
    managementGroups: tenant.managementGroups,
    subscriptions: tenant.subscriptions,
    checks,
  };
}
