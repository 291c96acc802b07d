/**
 * Azure Resource Manager's front door, in the order ARM applies it: the
 * bearer token (401 with a `WWW-Authenticate` challenge), throttling and
 * injected faults, the api-version, the subscription, then the resource
 * provider's route, which checks RBAC before looking the resource up (ARM
 * refuses an action it would not allow even on what does not exist).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../https-server.js';
import { type ArmReply, type ArmRequest, type ArmRoute, armError } from './arm-wire.js';
import { aksRoutes } from './aks.js';
import { authorizationRoutes } from './authorization.js';
import { networkRoutes } from './network.js';
import { resourceRoutes } from './resources.js';
import type { ResourceGraphService } from './resource-graph.js';
import { type FakeAzureState, type FaultRule, lower, subscriptionOf } from './state.js';
import { tenantRoutes } from './tenant.js';
import { type AccessTokenClaims, readAccessToken } from './tokens.js';
import { webRoutes } from './web.js';

export interface ArmServer {
  handle(request: IncomingMessage, response: ServerResponse, body: string): void;
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;
/** ARM's hourly allowance per principal and scope, counted down in `x-ms-ratelimit-remaining-*`. */
const REQUESTS_PER_HOUR = 12000;

/** `4/21/2021 2:28:22 PM`, the way ARM prints times in token errors. */
const armTime = (seconds: number): string => new Date(seconds * 1000).toLocaleString('en-US', { timeZone: 'UTC' }).replace(',', '');

function challenge(loginUrl: string, tenantId: string, description: string): Record<string, string> {
  return { 'www-authenticate': `Bearer authorization_uri="${loginUrl}/${tenantId}", error="invalid_token", error_description="${description}"` };
}

/** The token's claims, or the 401 ARM answers a token it does not take. */
function authenticate(request: IncomingMessage, state: FakeAzureState, armUrl: string, loginUrl: string): ArmReply | { claims: AccessTokenClaims } {
  const reading = readAccessToken(request.headers.authorization);
  if (!reading.ok) {
    if (reading.reason === 'missing') return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", challenge(loginUrl, state.tenant.id, "The authentication failed because of missing 'Authorization' header."));
    if (reading.reason === 'expired' && reading.claims) {
      const now = Math.floor(Date.now() / 1000);
      return armError(401, 'ExpiredAuthenticationToken', `The access token expiry UTC time '${armTime(reading.claims.exp)}' is earlier than current UTC time '${armTime(now)}'.`, challenge(loginUrl, state.tenant.id, 'The access token has expired.'));
    }
    return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.', challenge(loginUrl, state.tenant.id, 'The access token is invalid.'));
  }
  const audiences = [`${armUrl}/`, armUrl];
  if (!audiences.includes(reading.claims.aud)) {
    return armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${reading.claims.aud}'. It should exactly match with one of the allowed audiences ${audiences.map((audience) => `'${audience}'`).join(',')}.`, challenge(loginUrl, state.tenant.id, 'The access token has been obtained for wrong audience or resource.'));
  }
  if (lower(reading.claims.tid) !== lower(state.tenant.id)) {
    return armError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer '${reading.claims.iss}'. It must match the tenant 'https://sts.windows.net/${state.tenant.id}/' associated with this subscription. Please use the authority (URL) '${loginUrl}/${state.tenant.id}' to get the token.`, challenge(loginUrl, state.tenant.id, 'The access token is from the wrong issuer.'));
  }
  return { claims: reading.claims };
}

function faultBody(rule: FaultRule, request: ArmRequest): ArmReply {
  const headers: Record<string, string> = rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
  const subscription = subscriptionOf(request.path);
  switch (rule.status) {
    case 429:
      return subscription
        ? armError(429, 'SubscriptionRequestsThrottled', `Number of 'read' requests for subscription '${subscription}' actor '${request.claims.oid}' exceeded. Please try again after '${rule.retryAfterSeconds ?? 5}' seconds after the last request or wait until the next hour.`, { ...headers, 'x-ms-ratelimit-remaining-subscription-reads': '0' })
        : armError(429, 'TenantRequestsThrottled', `Number of 'read' requests for tenant '${request.state.tenant.id}' actor '${request.claims.oid}' exceeded. Please try again after '${rule.retryAfterSeconds ?? 5}' seconds after the last request or wait until the next hour.`, { ...headers, 'x-ms-ratelimit-remaining-tenant-reads': '0' });
    case 500:
      return armError(500, 'InternalServerError', `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z', subscription id '${subscription ?? ''}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`, headers);
    case 502:
      return armError(502, 'BadGateway', 'The gateway received an invalid response from the resource provider.', headers);
    case 503:
      return armError(503, 'ServiceUnavailable', 'The service is currently unavailable. Please try again later.', headers);
    case 504:
      return armError(504, 'GatewayTimeout', 'The gateway did not receive a response from the resource provider within the specified time period.', headers);
  }
}

export function armServer(state: FakeAzureState, urls: { login: () => string; arm: () => string }, graph: ResourceGraphService): ArmServer {
  const routes: ArmRoute[] = [...tenantRoutes, ...graph.routes, ...authorizationRoutes, ...networkRoutes, ...aksRoutes, ...webRoutes, ...resourceRoutes];
  const faultsSeen = new WeakMap<FaultRule, number>();
  const remaining = new Map<string, number>();

  /** The first rule due to fail this request; every rule counts every request it matches. */
  const injectedFault = (request: ArmRequest): ArmReply | undefined => {
    let due: FaultRule | undefined;
    for (const rule of state.faults) {
      if (rule.method && rule.method.toUpperCase() !== request.method) continue;
      if (typeof rule.path === 'string' ? !lower(request.path).includes(lower(rule.path)) : !rule.path.test(request.path)) continue;
      const seen = (faultsSeen.get(rule) ?? 0) + 1;
      faultsSeen.set(rule, seen);
      const skip = rule.skip ?? 0;
      if (!due && seen > skip && seen <= skip + (rule.times ?? 1)) due = rule;
    }
    if (!due) return undefined;
    return due.status === 429 && graph.owns(request) ? graph.throttled(due.retryAfterSeconds) : faultBody(due, request);
  };

  /** ARM's remaining-requests header for the scope of the request (per principal, per subscription or tenant). */
  const rateLimitHeader = (request: ArmRequest): Record<string, string> => {
    const subscription = subscriptionOf(request.path);
    const kind = request.method === 'GET' ? 'reads' : 'writes';
    const key = `${request.claims.oid}|${subscription ?? 'tenant'}|${kind}`;
    const left = Math.max(0, (remaining.get(key) ?? REQUESTS_PER_HOUR) - 1);
    remaining.set(key, left);
    return { [`x-ms-ratelimit-remaining-${subscription ? 'subscription' : 'tenant'}-${kind}`]: String(left) };
  };

  function route(request: ArmRequest): ArmReply {
    const apiVersion = request.query.get('api-version');
    if (!apiVersion) return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    if (!API_VERSION.test(apiVersion)) return armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid.`);
    const subscription = subscriptionOf(request.path);
    if (subscription && !state.subscriptions.some((candidate) => lower(candidate.subscriptionId) === subscription && candidate.state !== 'Deleted')) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${subscription}' could not be found.`);
    }
    for (const candidate of routes) {
      if (candidate.method !== request.method) continue;
      // Case-insensitive, as ARM is; the groups keep the caller's casing of names.
      const match = candidate.pattern.exec(request.path);
      if (match) return candidate.handle(request, match.slice(1));
    }
    const namespace = /\/providers\/([^/]+)\/([^/]+)/i.exec(request.path);
    if (namespace) {
      return armError(404, 'InvalidResourceType', `The resource type '${namespace[2]}' could not be found in the namespace '${namespace[1]}' for api version '${apiVersion}'.`);
    }
    return armError(404, 'NotFound', `The requested path '${request.path}' was not found.`);
  }

  return {
    handle(incoming, response, rawBody) {
      const url = new URL(incoming.url ?? '/', urls.arm());
      const requestId = randomUUID();
      const correlationId = String(incoming.headers['x-ms-correlation-request-id'] ?? requestId);
      const common: Record<string, string> = {
        'cache-control': 'no-cache',
        pragma: 'no-cache',
        expires: '-1',
        'x-ms-request-id': requestId,
        'x-ms-correlation-request-id': correlationId,
        'x-ms-routing-request-id': `WESTEUROPE:${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z:${requestId}`,
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      };
      const send = (reply: ArmReply): void => sendJson(response, reply.status, reply.body ?? {}, { ...common, ...reply.headers });
      const auth = authenticate(incoming, state, urls.arm(), urls.login());
      if (!('claims' in auth)) return send(auth);
      let body: unknown;
      if (rawBody.trim()) {
        try {
          body = JSON.parse(rawBody);
        } catch {
          return send(armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.'));
        }
      }
      const request: ArmRequest = { method: incoming.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, body, claims: auth.claims, state, armUrl: urls.arm() };
      const reply = injectedFault(request) ?? route(request);
      send({ ...reply, headers: { ...(graph.owns(request) ? {} : rateLimitHeader(request)), ...reply.headers } });
    },
  };
}
