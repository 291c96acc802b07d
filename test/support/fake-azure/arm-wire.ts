/**
 * What every ARM answer shares: the request as routes see it, the error body
 * `{"error":{"code","message"}}`, `AuthorizationFailed` in ARM's words,
 * and list pages with an absolute `nextLink` carrying `$skiptoken`.
 */
import type { FakeAzureState } from './state.js';
import type { AccessTokenClaims } from './tokens.js';

export interface ArmRequest {
  method: string;
  /** The path as sent, percent-decoded, without its query. */
  path: string;
  query: URLSearchParams;
  /** The JSON body (undefined when empty). */
  body: unknown;
  claims: AccessTokenClaims;
  state: FakeAzureState;
  /** The fake ARM's base URL. */
  armUrl: string;
}

export interface ArmReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ArmRoute {
  method: 'GET' | 'POST';
  /** Matched against the path as sent (case-insensitive). */
  pattern: RegExp;
  handle(request: ArmRequest, groups: string[]): ArmReply;
}

/** Compiles a route path: `{name}` is one segment. */
export const routePattern = (template: string): RegExp => new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '([^/]+)')}/?$`, 'i');

export const ok = (body: unknown, headers: Record<string, string> = {}): ArmReply => ({ status: 200, body, headers });

export const armError = (status: number, code: string, message: string, headers: Record<string, string> = {}): ArmReply => ({ status, body: { error: { code, message } }, headers });

/** ARM's refusal of an action: the same text for every resource provider, as the gateway writes it. */
export function authorizationFailed(request: ArmRequest, action: string, scope: string): ArmReply {
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${request.claims.appid}' with object id '${request.claims.oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    { 'x-ms-failure-cause': 'gateway' },
  );
}

export const resourceNotFound = (type: string, name: string, resourceGroup: string): ArmReply =>
  armError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

/**
 * One page of an ARM list. The skip token is opaque to clients (an offset
 * here); `nextLink` is absolute and keeps the request's other parameters.
 */
export function page(request: ArmRequest, items: readonly unknown[], extra: Record<string, unknown> = {}): ArmReply {
  const size = Math.max(1, request.state.armPageSize);
  const token = request.query.get('$skiptoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  const value = items.slice(offset, offset + size);
  const body: Record<string, unknown> = { value, ...extra };
  if (offset + size < items.length) {
    const next = new URLSearchParams(request.query);
    next.set('$skiptoken', Buffer.from(String(offset + size)).toString('base64url'));
    body.nextLink = `${request.armUrl}${encodeURI(request.path)}?${next.toString()}`;
  }
  return ok(body);
}

/** ARM's 404 for a path inside a resource group the subscription does not have, or undefined. */
export function resourceGroupMissing(request: ArmRequest): ArmReply | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)/i.exec(request.path);
  if (!match) return undefined;
  const [, subscription, group] = match;
  const found = request.state.resourceGroups.some((candidate) => candidate.subscriptionId.toLowerCase() === subscription?.toLowerCase() && candidate.name.toLowerCase() === group?.toLowerCase());
  return found ? undefined : armError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
}
