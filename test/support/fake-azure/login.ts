/**
 * The Microsoft Entra ID v2.0 endpoint, as MSAL Node (under
 * @azure/identity) uses it with a custom authority host and instance
 * discovery off: the tenant's OpenID configuration, then the token endpoint
 * with the client-credentials grant (client secret or certificate assertion).
 * Errors are Entra's: status, `error`, `error_description` beginning with the
 * AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`,
 * `error_uri`. No answer ever contains the client secret.
 */
import { createHash, constants, randomUUID, verify, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../https-server.js';
import { type FakeAzureState, lower } from './state.js';
import { mintAccessToken, newTokenClaims } from './tokens.js';

export interface LoginServer {
  handle(request: IncomingMessage, response: ServerResponse, body: string): void;
  readonly tokensIssued: number;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra's timestamp format: `2024-05-14 12:03:41Z`. */
const entraTimestamp = (date = new Date()): string => `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;

interface EntraError {
  status: number;
  error: string;
  code: number;
  text: string;
}

function sendEntraError(request: IncomingMessage, response: ServerResponse, loginUrl: string, failure: EntraError): void {
  const traceId = randomUUID();
  // Entra echoes the client's request id as the correlation id; MSAL sends one.
  const correlationId = String(request.headers['client-request-id'] ?? randomUUID());
  const timestamp = entraTimestamp();
  sendJson(
    response,
    failure.status,
    {
      error: failure.error,
      error_description: `AADSTS${failure.code}: ${failure.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${loginUrl}/error?code=${failure.code}`,
    },
    { 'x-ms-request-id': traceId, 'client-request-id': correlationId },
  );
}

const tenantNotFound = (tenant: string, error: string): EntraError => ({
  status: 400,
  error,
  code: 90002,
  text: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
});

function openIdConfiguration(loginUrl: string, tenantId: string): Record<string, unknown> {
  const base = `${loginUrl}/${tenantId}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${loginUrl}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

const trimSlash = (value: string): string => value.replace(/\/+$/, '');

/** Checks a certificate client assertion: signed (RS256 or PS256) by a certificate registered on the app, issued by the app. */
function assertionProblem(assertion: string, state: FakeAzureState): string | undefined {
  const [header, payload, signature] = assertion.split('.');
  if (!header || !payload || !signature) return 'Client assertion contains an invalid signature.';
  let head: { alg?: string; x5t?: string; 'x5t#S256'?: string };
  let claims: { iss?: string; sub?: string; exp?: number };
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof head;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'Client assertion is not within its valid time range or is malformed.';
  }
  const thumbprint = head['x5t#S256'] ?? head.x5t ?? '';
  const certificate = state.app.certificates
    .map((pem) => new X509Certificate(pem))
    .find((candidate) => createHash(head['x5t#S256'] ? 'sha256' : 'sha1').update(candidate.raw).digest('base64url') === thumbprint);
  if (!certificate) {
    return `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${state.app.clientId}'.]`;
  }
  const key = certificate.publicKey;
  const data = Buffer.from(`${header}.${payload}`);
  const signed = Buffer.from(signature, 'base64url');
  const valid =
    head.alg === 'PS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signed)
      : head.alg === 'RS256' && verify('sha256', data, key, signed);
  if (!valid) return 'Client assertion contains an invalid signature.';
  if (lower(claims.iss) !== lower(state.app.clientId) || lower(claims.sub) !== lower(state.app.clientId)) return 'Client assertion contains an invalid signature. [Reason - The issuer and subject must both be the client id.]';
  if (!claims.exp || claims.exp * 1000 < Date.now()) return 'Client assertion is not within its valid time range.';
  return undefined;
}

export function loginServer(state: FakeAzureState, urls: { login: () => string; arm: () => string }): LoginServer {
  let tokensIssued = 0;

  const tenantOf = (segment: string): string | undefined => {
    const wanted = lower(segment);
    if (wanted === lower(state.tenant.id) || state.tenant.domains.some((domain) => lower(domain) === wanted)) return state.tenant.id;
    return undefined;
  };

  const knownResource = (resource: string): boolean => {
    const wanted = lower(trimSlash(resource));
    return [urls.arm(), ...state.knownResources, ...state.graphResources].some((known) => lower(trimSlash(known)) === wanted);
  };

  function token(request: IncomingMessage, response: ServerResponse, tenantSegment: string, body: string): void {
    const fail = (failure: EntraError): void => sendEntraError(request, response, urls.login(), failure);
    const form = new URLSearchParams(body);
    const tenantId = tenantOf(tenantSegment);
    if (!tenantId) return fail(tenantNotFound(tenantSegment, 'invalid_request'));
    const grantType = form.get('grant_type') ?? '';
    if (grantType !== 'client_credentials') return fail({ status: 400, error: 'unsupported_grant_type', code: 70003, text: `The app requested an unsupported grant type '${grantType}'.` });
    const clientId = form.get('client_id') ?? '';
    if (lower(clientId) !== lower(state.app.clientId)) {
      return fail({ status: 400, error: 'unauthorized_client', code: 700016, text: `Application with identifier '${clientId}' was not found in the directory '${state.tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.` });
    }
    const scope = (form.get('scope') ?? '').trim();
    if (!scope.endsWith('/.default') || scope.includes(' ')) {
      return fail({ status: 400, error: 'invalid_scope', code: 1002012, text: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).` });
    }
    const resource = scope.slice(0, -'/.default'.length);
    if (!knownResource(resource)) {
      return fail({ status: 400, error: 'invalid_resource', code: 500011, text: `The resource principal named ${resource} was not found in the tenant named ${state.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.` });
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      const match = state.app.secrets.find((candidate) => candidate.value === secret);
      if (!match) return fail({ status: 401, error: 'invalid_client', code: 7000215, text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${state.app.clientId}'.` });
      if (match.expired) return fail({ status: 401, error: 'invalid_client', code: 7000222, text: `The provided client secret keys for app '${state.app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.` });
    } else if (assertion !== null && form.get('client_assertion_type') === JWT_BEARER) {
      const problem = assertionProblem(assertion, state);
      if (problem) return fail({ status: 401, error: 'invalid_client', code: 700027, text: problem });
    } else {
      return fail({ status: 401, error: 'invalid_client', code: 7000218, text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." });
    }
    const isGraph = state.graphResources.some((graph) => lower(trimSlash(graph)) === lower(trimSlash(resource)));
    const claims = newTokenClaims({
      audience: resource,
      tenantId,
      clientId: state.app.clientId,
      objectId: state.app.objectId,
      lifetimeSeconds: state.tokenLifetimeSeconds,
      viaCertificate: secret === null,
      ...(isGraph ? { roles: state.app.graphRoles } : {}),
    });
    tokensIssued += 1;
    sendJson(response, 200, { token_type: 'Bearer', expires_in: state.tokenLifetimeSeconds, ext_expires_in: state.tokenLifetimeSeconds, access_token: mintAccessToken(claims) }, { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' });
  }

  return {
    get tokensIssued() {
      return tokensIssued;
    },
    handle(request, response, body) {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const [tenantSegment = '', ...rest] = path.split('/').filter(Boolean);
      const route = `${request.method} /${rest.join('/')}`;
      const tenantId = tenantOf(tenantSegment);
      if (route === 'GET /v2.0/.well-known/openid-configuration') {
        if (!tenantId) return sendEntraError(request, response, urls.login(), tenantNotFound(tenantSegment, 'invalid_tenant'));
        return sendJson(response, 200, openIdConfiguration(urls.login(), tenantId));
      }
      // The fake signs with a secret key (HS256): there is no public key to publish.
      if (route === 'GET /discovery/v2.0/keys') return sendJson(response, 200, { keys: [] });
      if (route === 'POST /oauth2/v2.0/token') return token(request, response, tenantSegment, body);
      if (route === 'GET /oauth2/v2.0/token') {
        return sendEntraError(request, response, urls.login(), { status: 400, error: 'invalid_request', code: 900561, text: 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.' });
      }
      // Anything else is a page Entra does not have: it answers with an HTML error page.
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>Page not found</body></html>');
    },
  };
}
