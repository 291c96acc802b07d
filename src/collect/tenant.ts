/**
 * What the credential can see of the tenant: a first token (the fail-fast
 * check of the sign-in itself), the subscriptions, and whether the root
 * management group is readable.
 */
import { ArmRest } from './arm/arm-rest.js';
import { defaultScope } from './connection/clouds.js';
import type { AzureConnection } from './connection/connection.js';
import { describeDiagnosis, diagnose } from './connection/diagnose.js';
import type { SubscriptionInfo } from './context.js';
import { ConnectError } from './errors.js';

export { ConnectError } from './errors.js';


/** Claims of a JWT access token, read without verifying it: only to learn the tenant, object id and granted roles. */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export interface TenantView {
  tenantId: string;
  /** The signed-in principal's object id (`oid`). */
  objectId: string | undefined;
  subscriptions: SubscriptionInfo[];
  managementGroups: Array<{ id: string; name: string; displayName: string }>;
  /** The root management group's name (the tenant id) when readable, with why not otherwise. */
  rootManagementGroup: { readable: true; name: string } | { readable: false; reason: string };
}

/**
 * MSAL reports an authority it could not read as `endpoints_resolution_error`
 * whether the tenant is unknown or the host is down; asking the tenant's
 * OpenID configuration once tells the two apart.
 */
async function whyEndpointsUnresolved(connection: AzureConnection, error: unknown): Promise<unknown> {
  const tenant = connection.auth.tenantId;
  if (!String((error as Error)?.message).includes('endpoints_resolution_error') || !tenant) return error;
  try {
    const response = await fetch(`${connection.endpoints.authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json().catch(() => ({}))) as { error_description?: string };
    return body.error_description ? new Error(body.error_description) : error;
  } catch (probe) {
    return probe;
  }
}

/** Signs in to ARM once; a refusal here is fatal for the whole collection and is explained. */
export async function signIn(connection: AzureConnection): Promise<{ tenantId: string; objectId: string | undefined }> {
  let token;
  try {
    token = await connection.auth.credential.getToken(defaultScope(connection.endpoints.resourceManager));
  } catch (error) {
    const cause = await whyEndpointsUnresolved(connection, error);
    throw new ConnectError(`cannot sign in to tenant ${connection.auth.tenantId ?? '(from the credential)'}: ${describeDiagnosis(diagnose(cause, { tenantId: connection.auth.tenantId, clientId: connection.auth.clientId, action: 'signing in' }))}`);
  }
  if (!token) throw new ConnectError('the credential returned no token for Azure Resource Manager');
  const claims = tokenClaims(token.token);
  const tenantId = String(claims.tid ?? connection.auth.tenantId ?? '');
  if (!tenantId) throw new ConnectError('cannot tell the tenant: set AZURE_TENANT_ID');
  return { tenantId, objectId: typeof claims.oid === 'string' ? claims.oid : undefined };
}

export interface ScopeFilter {
  includeSubscriptions?: readonly string[];
  excludeSubscriptions?: readonly string[];
}

const matches = (subscription: SubscriptionInfo, patterns: readonly string[]): boolean =>
  patterns.some((pattern) => pattern.toLowerCase() === subscription.subscriptionId.toLowerCase() || pattern.toLowerCase() === subscription.displayName.toLowerCase());

export async function viewTenant(connection: AzureConnection, filter: ScopeFilter = {}): Promise<TenantView> {
  const { tenantId, objectId } = await signIn(connection);
  const arm = new ArmRest(connection);
  const subscriptions: SubscriptionInfo[] = [];
  try {
    for await (const item of arm.list('/subscriptions', '2022-12-01')) {
      subscriptions.push({ subscriptionId: String(item.subscriptionId), displayName: String(item.displayName ?? item.subscriptionId), state: String(item.state ?? 'Enabled') });
    }
  } catch (error) {
    throw new ConnectError(`cannot list subscriptions: ${describeDiagnosis(diagnose(error, { action: 'listing subscriptions' }))}`);
  }
  const managementGroups: TenantView['managementGroups'] = [];
  try {
    for await (const item of arm.list('/providers/Microsoft.Management/managementGroups', '2021-04-01')) {
      managementGroups.push({ id: String(item.id), name: String(item.name), displayName: String((item.properties as { displayName?: string } | undefined)?.displayName ?? item.name) });
    }
  } catch {
    // Listing management groups needs Management Group Reader; without it the subscriptions still answer.
  }
  let rootManagementGroup: TenantView['rootManagementGroup'];
  try {
    await arm.get(`/providers/Microsoft.Management/managementGroups/${tenantId}`, '2021-04-01');
    rootManagementGroup = { readable: true, name: tenantId };
  } catch (error) {
    rootManagementGroup = { readable: false, reason: describeDiagnosis(diagnose(error, { action: 'reading the root management group' })) };
  }
  const selected = subscriptions
    .filter((subscription) => !/^(disabled|deleted)$/i.test(subscription.state))
    .filter((subscription) => !filter.includeSubscriptions?.length || matches(subscription, filter.includeSubscriptions))
    .filter((subscription) => !filter.excludeSubscriptions?.length || !matches(subscription, filter.excludeSubscriptions))
    .sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId));
  return { tenantId, objectId, subscriptions: selected, managementGroups, rootManagementGroup };
}
