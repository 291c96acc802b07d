/**
 * Microsoft Graph v1.0 for the directory reads reachgraph makes, over HTTPS
 * on 127.0.0.1, served from a state object read afresh on every request
 * (tests may change it between two requests):
 *
 * - lists page by `$top` (capped at 999, at 100 with `$expand`, and at
 *   `pageSize`), with an opaque `$skiptoken` in `@odata.nextLink` that keeps
 *   the request's other parameters, as Graph's do; `$select` and `$expand`
 *   shape the items, and directory-object collections carry `@odata.type`;
 * - tokens are the fake login's (fake-azure/tokens.ts): missing, malformed
 *   or expired ones and foreign audiences get 401 InvalidAuthenticationToken;
 * - permissions are Graph application permissions (the tokens' `roles`, or
 *   `grantedRoles` when a test sets it); a request no granted permission
 *   covers gets Graph's 403;
 * - faults (429 with or without Retry-After, 5xx, any status) are injected
 *   per path, after authentication, as Graph throttles authenticated callers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import { mintAccessToken, newTokenClaims, readAccessToken } from './fake-azure/tokens.js';
import { type RunningHttpsServer, sendJson, startHttpsServer } from './https-server.js';

export type GraphObject = Record<string, unknown> & { id: string };

export interface GraphDirectory {
  tenantId: string;
  users: GraphObject[];
  groups: GraphObject[];
  /** Direct members by group id: ids of users, groups or service principals. */
  groupMembers: Record<string, string[]>;
  servicePrincipals: GraphObject[];
  /** With their `federatedIdentityCredentials` inline (served only through `$expand`). */
  applications: GraphObject[];
  /** appRoleAssignment objects, served under `/servicePrincipals/{resourceId}/appRoleAssignedTo`. */
  appRoleAssignments: GraphObject[];
  roleDefinitions: GraphObject[];
  roleAssignments: GraphObject[];
  conditionalAccessPolicies: GraphObject[];
}

/** A fault for requests whose path and query match (case-insensitive substring, or a RegExp). */
export interface GraphFault {
  path: string | RegExp;
  /** Matching requests let through before the first fault (default 0). */
  skip?: number;
  /** Matching requests that fail once the skip is used up (default 1; Infinity for all). */
  times?: number;
  status: number;
  /** Sent as Retry-After (seconds) when set; absent otherwise. */
  retryAfterSeconds?: number;
  /** Graph's error code and message (defaults by status). */
  code?: string;
  message?: string;
}

export interface FakeGraphState {
  directory: GraphDirectory;
  /** When set, the permissions granted whatever the token says; otherwise the token's `roles` claim (none: none). */
  grantedRoles?: string[];
  /** Most items per page, below what `$top` asks (small, so paging is exercised). */
  pageSize?: number;
  faults: GraphFault[];
}

export interface GraphCall {
  /** Path and query as sent. */
  target: string;
  status: number;
  /** The `uti` (unique token id) of the bearer token, when it was readable. */
  tokenId?: string;
}

export interface FakeGraph {
  /** The Graph endpoint (`https://127.0.0.1:<port>`): pass it as graphEndpoint. */
  url: string;
  state: FakeGraphState;
  calls: GraphCall[];
  /** Called before each request is answered; a promise it returns delays the answer (latency, a test's checkpoint). */
  onRequest?: (target: string) => void | Promise<void>;
  close(): Promise<void>;
}

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const READ_WRITE = (read: string): string[] => [read, read.replace('.Read.', '.ReadWrite.')];
const DIRECTORY = READ_WRITE('Directory.Read.All');
const APPLICATION = [...READ_WRITE('Application.Read.All'), ...DIRECTORY];
const GROUPS = ['GroupMember.Read.All', ...READ_WRITE('Group.Read.All'), ...DIRECTORY];
const ROLE_MANAGEMENT = [...READ_WRITE('RoleManagement.Read.Directory'), 'RoleManagement.Read.All', ...DIRECTORY];
const DENIED = { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' };

interface Listing {
  items: GraphObject[];
  /** After `$metadata#`, before any `(select)`. */
  context: string;
  /** Navigation properties served only when expanded. */
  navigation?: string[];
  /** A collection of directoryObjects: each item says its type. */
  typed?: boolean;
}

interface Route {
  pattern: RegExp;
  roles: string[];
  denied?: { code: string; message: string };
  list(directory: GraphDirectory, id: string | undefined): Listing | undefined;
}

const indexes = new WeakMap<GraphObject[], { length: number; byId: Map<string, GraphObject> }>();

/** Objects of a list by id, rebuilt when the list's length changes (tests add and remove objects between requests). */
function byId(list: GraphObject[]): Map<string, GraphObject> {
  let index = indexes.get(list);
  if (!index || index.length !== list.length) {
    index = { length: list.length, byId: new Map(list.map((object) => [object.id, object])) };
    indexes.set(list, index);
  }
  return index.byId;
}

/** A directory object with its `@odata.type`, as directoryObject collections return it. */
function directoryObject(directory: GraphDirectory, id: string): GraphObject | undefined {
  for (const [type, list] of [['user', directory.users], ['group', directory.groups], ['servicePrincipal', directory.servicePrincipals]] as const) {
    const object = byId(list).get(id);
    if (object) return { '@odata.type': `#microsoft.graph.${type}`, ...object };
  }
  return undefined;
}

const ROUTES: Route[] = [
  { pattern: /^\/users$/, roles: [...READ_WRITE('User.Read.All'), ...DIRECTORY], list: (d) => ({ items: d.users, context: 'users' }) },
  { pattern: /^\/groups$/, roles: GROUPS, list: (d) => ({ items: d.groups, context: 'groups' }) },
  {
    pattern: /^\/groups\/([^/]+)\/members$/,
    roles: GROUPS,
    list: (d, id) => {
      if (!byId(d.groups).has(id as string)) return undefined;
      const members = (d.groupMembers[id as string] ?? []).flatMap((member) => directoryObject(d, member) ?? []);
      return { items: members, context: 'directoryObjects', typed: true };
    },
  },
  { pattern: /^\/servicePrincipals$/, roles: APPLICATION, list: (d) => ({ items: d.servicePrincipals, context: 'servicePrincipals' }) },
  {
    pattern: /^\/servicePrincipals\/([^/]+)\/appRoleAssignedTo$/,
    roles: APPLICATION,
    list: (d, id) =>
      byId(d.servicePrincipals).has(id as string)
        ? { items: d.appRoleAssignments.filter((assignment) => assignment.resourceId === id), context: `servicePrincipals('${id}')/appRoleAssignedTo` }
        : undefined,
  },
  {
    pattern: /^\/applications$/,
    roles: APPLICATION,
    list: (d) => ({ items: d.applications, context: 'applications', navigation: ['federatedIdentityCredentials'] }),
  },
  { pattern: /^\/roleManagement\/directory\/roleDefinitions$/, roles: ROLE_MANAGEMENT, list: (d) => ({ items: d.roleDefinitions, context: 'roleManagement/directory/roleDefinitions' }) },
  { pattern: /^\/roleManagement\/directory\/roleAssignments$/, roles: ROLE_MANAGEMENT, list: (d) => ({ items: d.roleAssignments, context: 'roleManagement/directory/roleAssignments' }) },
  {
    pattern: /^\/identity\/conditionalAccess\/policies$/,
    roles: ['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess'],
    denied: { code: 'AccessDenied', message: 'You cannot perform the requested operation, required scopes are missing in the token.' },
    list: (d) => ({ items: d.conditionalAccessPolicies, context: 'identity/conditionalAccess/policies' }),
  },
];

/** The item as `$select` and `$expand` shape it: navigation properties only when expanded, `@odata.type` kept on typed collections. */
function shape(item: GraphObject, select: string[] | undefined, expand: string[], listing: Listing): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    const navigation = listing.navigation?.includes(key);
    if (navigation ? expand.includes(key) : key === '@odata.type' || !select || select.includes(key)) out[key] = value;
  }
  for (const key of expand) if (listing.navigation?.includes(key) && !(key in out)) out[key] = [];
  return out;
}

interface Cursor {
  path: string;
  context: string;
  items: Array<Record<string, unknown>>;
  offset: number;
}

export function graphError(response: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  const requestId = randomUUID();
  sendJson(response, status, { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } }, { 'request-id': requestId, ...headers });
}

const DEFAULT_FAULT: Record<number, { code: string; message: string }> = {
  429: { code: 'TooManyRequests', message: 'Too many requests.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please retry later.' },
  404: { code: 'Request_ResourceNotFound', message: 'Resource does not exist or one of its queried reference-property objects are not present.' },
};

export async function startFakeGraph(initial: Partial<FakeGraphState> & { directory: GraphDirectory }): Promise<FakeGraph> {
  const state: FakeGraphState = { faults: [], ...initial };
  const calls: GraphCall[] = [];
  const cursors = new Map<string, Cursor>();
  const seen = new Map<GraphFault, number>();
  const fake: FakeGraph = { url: '', state, calls, close: async () => undefined };

  const faultFor = (target: string): GraphFault | undefined =>
    state.faults.find((fault) => {
      const matches = typeof fault.path === 'string' ? target.toLowerCase().includes(fault.path.toLowerCase()) : fault.path.test(target);
      if (!matches) return false;
      const count = (seen.get(fault) ?? 0) + 1;
      seen.set(fault, count);
      return count > (fault.skip ?? 0) && count <= (fault.skip ?? 0) + (fault.times ?? 1);
    });

  const server: RunningHttpsServer = await startHttpsServer(async (request, response) => {
    const target = request.url ?? '/';
    const url = fake.url;
    const call: GraphCall = { target, status: 200 };
    calls.push(call);
    const answer = (status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
      call.status = status;
      graphError(response, status, code, message, headers);
    };
    await fake.onRequest?.(target);
    const parsed = new URL(target, url);
    const token = readAccessToken(request.headers.authorization);
    if (token.claims) call.tokenId = token.claims.uti;
    const unauthenticated = { 'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"` };
    if (!token.ok) {
      const message = { missing: 'Access token is empty.', malformed: 'IDX14100: JWT is not well formed.', expired: 'Lifetime validation failed, the token is expired.' }[token.reason];
      return answer(401, 'InvalidAuthenticationToken', message, unauthenticated);
    }
    if (![url, `${url}/`, 'https://graph.microsoft.com', GRAPH_APP_ID].includes(token.claims.aud)) {
      return answer(401, 'InvalidAuthenticationToken', 'Invalid audience.', unauthenticated);
    }
    const fault = faultFor(target);
    if (fault) {
      const fallback = DEFAULT_FAULT[fault.status] ?? { code: 'generalException', message: 'General exception while processing.' };
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'retry-after': String(fault.retryAfterSeconds) };
      return answer(fault.status, fault.code ?? fallback.code, fault.message ?? fallback.message, headers);
    }
    if (request.method !== 'GET' || !parsed.pathname.startsWith('/v1.0/')) return answer(400, 'BadRequest', `Invalid version or method: ${request.method} ${parsed.pathname}`);
    const path = parsed.pathname.slice('/v1.0'.length);
    const route = ROUTES.find((candidate) => candidate.pattern.test(path));
    if (!route) return answer(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
    const granted = state.grantedRoles ?? token.claims.roles ?? [];
    if (!route.roles.some((role) => granted.includes(role))) return answer(403, (route.denied ?? DENIED).code, (route.denied ?? DENIED).message);

    const skiptoken = parsed.searchParams.get('$skiptoken');
    let cursor: Cursor | undefined;
    if (skiptoken) {
      cursor = cursors.get(skiptoken);
      if (!cursor || cursor.path !== path) return answer(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
    } else {
      const id = route.pattern.exec(path)?.[1];
      const listing = route.list(state.directory, id === undefined ? undefined : decodeURIComponent(id));
      if (!listing) return answer(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
      const select = parsed.searchParams.get('$select')?.split(',').map((field) => field.trim());
      const expand = parsed.searchParams.get('$expand')?.split(',').map((field) => field.trim()) ?? [];
      const unknown = expand.find((field) => !listing.navigation?.includes(field));
      if (unknown) return answer(400, 'BadRequest', `Could not find a property named '${unknown}' on type 'microsoft.graph.${listing.context.replace(/s$/, '')}'.`);
      const shaped = listing.items.map((item) => shape(item, select, expand, listing));
      cursor = { path, context: `${url}/v1.0/$metadata#${listing.context}${select ? `(${select.join(',')})` : ''}`, items: shaped, offset: 0 };
    }
    const top = Number(parsed.searchParams.get('$top') ?? 100);
    if (!Number.isInteger(top) || top < 1 || top > 999) return answer(400, 'Request_UnsupportedQuery', `Invalid page size specified: '${parsed.searchParams.get('$top')}'. Must be between 1 and 999 inclusive.`);
    const size = Math.min(top, parsed.searchParams.has('$expand') ? 100 : 999, state.pageSize ?? Infinity);
    const items = cursor.items.slice(cursor.offset, cursor.offset + size);
    const body: Record<string, unknown> = { '@odata.context': cursor.context, value: items };
    if (cursor.offset + size < cursor.items.length) {
      const next = randomBytes(18).toString('base64url');
      cursors.set(next, { ...cursor, offset: cursor.offset + size });
      const query = new URLSearchParams(parsed.searchParams);
      query.set('$skiptoken', next);
      body['@odata.nextLink'] = `${url}${parsed.pathname}?${query.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
    }
    sendJson(response, 200, body, { 'request-id': randomUUID(), 'odata-version': '4.0' });
  });
  fake.url = server.url;
  fake.close = () => server.close();
  return fake;
}

/**
 * A TokenCredential that mints a fresh token (new `uti`) at each call, for the
 * scope's resource (`aud`), as the fake login would. `reportExpiresInMs` is
 * the expiry it tells the SDK (default: the token's own): a short one makes
 * the SDK ask again before each request, as when tokens expire mid-run.
 */
export class FakeGraphCredential implements TokenCredential {
  issued = 0;

  constructor(private readonly options: { roles?: string[]; tenantId?: string; lifetimeSeconds?: number; reportExpiresInMs?: number } = {}) {}

  async getToken(scopes: string | string[]): Promise<{ token: string; expiresOnTimestamp: number; tokenType: 'Bearer' }> {
    const scope = Array.isArray(scopes) ? (scopes[0] as string) : scopes;
    const claims = newTokenClaims({
      audience: scope.replace(/\/\.default$/, ''),
      tenantId: this.options.tenantId ?? '72f988bf-86f1-41af-91ab-2d7cd011db47',
      clientId: '5f4e3d2c-1b0a-4f9e-8d7c-6b5a4f3e2d1c',
      objectId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      lifetimeSeconds: this.options.lifetimeSeconds ?? 3600,
      viaCertificate: false,
      ...(this.options.roles ? { roles: this.options.roles } : {}),
    });
    this.issued += 1;
    const expiresOnTimestamp = this.options.reportExpiresInMs === undefined ? claims.exp * 1000 : Date.now() + this.options.reportExpiresInMs;
    return { token: mintAccessToken(claims), expiresOnTimestamp, tokenType: 'Bearer' };
  }
}
