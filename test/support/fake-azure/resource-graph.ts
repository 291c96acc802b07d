/**
 * Azure Resource Graph, `POST /providers/Microsoft.ResourceGraph/resources`:
 * the query over the subscriptions, management groups or tenant in scope,
 * only rows the principal may read, `$top` (1–1000, default 100), `$skip`,
 * `$skipToken` (handed out only when `id` is among the columns; otherwise a
 * longer answer is `resultTruncated: "true"`), `objectArray` or `table`
 * results, and the per-user quota announced on every answer
 * (`x-ms-user-quota-remaining`, `x-ms-user-quota-resets-after` hh:mm:ss).
 * A page hands out a cursor over the rows of its query, so later pages slice
 * them without evaluating the query again.
 */
import { randomUUID } from 'node:crypto';
import { type ArmReply, type ArmRequest, type ArmRoute, authorizationFailed, routePattern } from './arm-wire.js';
import { evaluate, invalidQueryDetails, type ParsedQuery, parseQuery, QueryError } from './kql.js';
import { hasAnyRoleAround, isAllowed, isAtOrBelow, managementGroupChain, scopeKey, scopesAbove } from './rbac.js';
import { authorizationRows, containerRows, resourceRows } from './rows.js';
import { type FakeAzureState, lower, managementGroupId } from './state.js';

const PATH = '/providers/Microsoft.ResourceGraph/resources';
const SCOPE_FILTERS = ['AtScopeAndBelow', 'AtScopeAndAbove', 'AtScopeExact', 'AtScopeAboveAndBelow'];
const KEPT_CURSORS = 32;

export interface ResourceGraphService {
  owns(request: ArmRequest): boolean;
  /** Resource Graph's own 429 (quota headers, `RateLimiting`), for injected faults too. */
  throttled(retryAfterSeconds?: number): ArmReply;
  routes: ArmRoute[];
}

/** A .NET TimeSpan as Resource Graph prints it: `hh:mm:ss`, with `.fffffff` when there is a fraction. */
function timeSpan(ms: number): string {
  const total = Math.max(0, ms);
  const seconds = Math.floor(total / 1000);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const fraction = Math.round((total % 1000) * 10_000);
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}${fraction ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}

const supportMessage = (): string => `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;

function graphError(status: number, code: string, details: Array<Record<string, unknown>>): ArmReply {
  return { status, body: { error: { code, message: supportMessage(), details } } };
}

const badRequest = (code: string, message: string): ArmReply => graphError(400, 'BadRequest', [{ code, message }]);

interface Cursor {
  id: string;
  rows: Array<Record<string, unknown>>;
  columns: string[];
}

interface Scope {
  subscriptions: Set<string>;
  /** The scopes the query names, for the role assignment filter: subscriptions, management groups, or `/`. */
  anchors: string[];
}

export function resourceGraphService(state: FakeAzureState): ResourceGraphService {
  let windowStart = Date.now();
  let used = 0;
  // Replacing `state.quota` starts a new window under the new terms.
  let terms = state.quota;
  const cursors = new Map<string, Cursor>();

  const windowLeft = (): number => windowStart + state.quota.windowMs - Date.now();
  const quotaHeaders = (remaining: number): Record<string, string> => ({
    'x-ms-user-quota-remaining': String(Math.max(0, remaining)),
    'x-ms-user-quota-resets-after': timeSpan(windowLeft()),
  });

  const throttled = (retryAfterSeconds?: number): ArmReply => ({
    ...graphError(429, 'RateLimiting', [{ code: 'RateLimiting', message: 'Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.' }]),
    headers: { ...quotaHeaders(0), ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }) },
  });

  /** The subscriptions a request covers, or the refusal. */
  function scopeOf(request: ArmRequest, body: { subscriptions?: unknown; managementGroups?: unknown }): Scope | ArmReply {
    const oid = request.claims.oid;
    const visible = (id: string): boolean => hasAnyRoleAround(state, oid, `/subscriptions/${id}`);
    const live = state.subscriptions.filter((subscription) => subscription.state !== 'Deleted');
    if (Array.isArray(body.subscriptions) && body.subscriptions.length) {
      const wanted = body.subscriptions.map((id) => lower(id));
      for (const id of wanted) {
        if (!live.some((subscription) => lower(subscription.subscriptionId) === id) || !visible(id) || state.refuseResourceGraphFor.some((refused) => lower(refused) === id)) {
          return graphError(403, 'AccessDenied', [{ code: 'AccessDenied', message: 'Access is denied to the requested resource. The user might not have enough permission.' }]);
        }
      }
      return { subscriptions: new Set(wanted), anchors: wanted.map((id) => `/subscriptions/${id}`) };
    }
    if (Array.isArray(body.managementGroups) && body.managementGroups.length) {
      const subscriptions = new Set<string>();
      for (const name of body.managementGroups.map(String)) {
        const scope = managementGroupId(name);
        const known = state.managementGroups.some((group) => lower(group.name) === lower(name));
        if (!known || state.refuseResourceGraphAt.some((refused) => lower(refused) === lower(name)) || !isAllowed(state, oid, 'Microsoft.Management/managementGroups/read', scope)) {
          return authorizationFailed(request, 'Microsoft.ResourceGraph/resources/read', scope);
        }
        for (const subscription of live) {
          if (managementGroupChain(state, subscription.managementGroup).includes(lower(name)) && visible(subscription.subscriptionId)) subscriptions.add(lower(subscription.subscriptionId));
        }
      }
      return { subscriptions, anchors: body.managementGroups.map((name) => lower(managementGroupId(String(name)))) };
    }
    return { subscriptions: new Set(live.filter((subscription) => visible(subscription.subscriptionId)).map((subscription) => lower(subscription.subscriptionId))), anchors: ['/'] };
  }

  /** Role assignments whose scope the filter keeps, relative to the query's scopes. */
  function assignmentFilter(scope: Scope, filter: string): (assignmentScope: string) => boolean {
    const above = new Set(scope.anchors.flatMap((anchor) => [...scopesAbove(state, anchor)]));
    const below = (assignmentScope: string): boolean => scope.anchors.some((anchor) => isAtOrBelow(assignmentScope, anchor)) || [...scope.subscriptions].some((id) => isAtOrBelow(assignmentScope, `/subscriptions/${id}`));
    const exact = (assignmentScope: string): boolean => scope.anchors.includes(scopeKey(assignmentScope));
    switch (filter) {
      case 'AtScopeExact':
        return exact;
      case 'AtScopeAndAbove':
        return (assignmentScope) => above.has(scopeKey(assignmentScope));
      case 'AtScopeAboveAndBelow':
        return (assignmentScope) => above.has(scopeKey(assignmentScope)) || below(assignmentScope);
      default:
        return below;
    }
  }

  function tableRows(request: ArmRequest, query: ParsedQuery, scope: Scope, filter: string): Array<Record<string, unknown>> {
    const oid = request.claims.oid;
    switch (query.table) {
      case 'Resources':
        return resourceRows(state, oid, scope.subscriptions);
      case 'ResourceContainers':
        return containerRows(state, oid, scope.subscriptions);
      case 'AuthorizationResources':
        return authorizationRows(state, oid, assignmentFilter(scope, filter));
    }
  }

  function query(request: ArmRequest): ArmReply {
    const body = (request.body ?? {}) as { query?: unknown; subscriptions?: unknown; managementGroups?: unknown; options?: Record<string, unknown> };
    if (typeof body.query !== 'string' || !body.query.trim()) return badRequest('InvalidRequestContent', "The request content was invalid: 'query' is required.");
    const options = body.options ?? {};
    const top = options.$top === undefined || options.$top === null ? 100 : Number(options.$top);
    if (!Number.isInteger(top) || top < 1 || top > 1000) return badRequest('InvalidRequestContent', `The value '${String(options.$top)}' of '$top' is invalid: it must be between 1 and 1000.`);
    const skip = options.$skip === undefined || options.$skip === null ? 0 : Number(options.$skip);
    if (!Number.isInteger(skip) || skip < 0) return badRequest('InvalidRequestContent', `The value '${String(options.$skip)}' of '$skip' is invalid.`);
    const format = String(options.resultFormat ?? 'objectArray');
    if (format !== 'objectArray' && format !== 'table') return badRequest('InvalidRequestContent', `The value '${format}' of 'resultFormat' is invalid.`);
    const filter = String(options.authorizationScopeFilter ?? 'AtScopeAndBelow');
    if (!SCOPE_FILTERS.includes(filter)) return badRequest('InvalidRequestContent', `The value '${filter}' of 'authorizationScopeFilter' is invalid.`);

    let cursor: Cursor;
    let offset: number;
    const token = typeof options.$skipToken === 'string' ? options.$skipToken : undefined;
    if (token) {
      let decoded: { cursor?: string; RowsToSkip?: number };
      try {
        decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as typeof decoded;
      } catch {
        decoded = {};
      }
      const found = decoded.cursor ? cursors.get(decoded.cursor) : undefined;
      if (!found || typeof decoded.RowsToSkip !== 'number') return badRequest('InvalidSkipToken', 'The skip token is invalid or has expired. Run the query again without it.');
      // Most recently used last, so the oldest idle cursor is the one to expire.
      cursors.delete(found.id);
      cursors.set(found.id, found);
      cursor = found;
      offset = decoded.RowsToSkip;
    } else {
      let parsed: ParsedQuery;
      try {
        parsed = parseQuery(body.query);
      } catch (error) {
        if (error instanceof QueryError) return graphError(400, 'BadRequest', invalidQueryDetails(error));
        throw error;
      }
      const scope = scopeOf(request, body);
      if ('status' in scope) return scope;
      cursor = { id: randomUUID(), rows: evaluate(parsed, tableRows(request, parsed, scope, filter)), columns: parsed.columns };
      offset = skip;
    }

    const rows = cursor.rows.slice(offset, offset + top);
    const more = offset + rows.length < cursor.rows.length;
    const pageable = cursor.columns.includes('id') && !state.resourceGraphWithoutSkipTokens;
    const answer: Record<string, unknown> = {
      totalRecords: cursor.rows.length,
      count: rows.length,
      data: format === 'table'
        ? { columns: cursor.columns.map((name) => ({ name, type: (['sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'] as string[]).includes(name) ? 'object' : 'string' })), rows: rows.map((row) => cursor.columns.map((name) => row[name] ?? null)) }
        : rows.map((row) => Object.fromEntries(cursor.columns.map((name) => [name, row[name] ?? null]))),
      facets: [],
      resultTruncated: more && !pageable ? 'true' : 'false',
    };
    if (more && pageable) {
      cursors.set(cursor.id, cursor);
      // Idle cursors expire, as Resource Graph's skip tokens do.
      for (const key of cursors.keys()) if (cursors.size > KEPT_CURSORS) cursors.delete(key);
      answer.$skipToken = Buffer.from(JSON.stringify({ $id: '1', MaxRows: top, RowsToSkip: offset + rows.length, cursor: cursor.id })).toString('base64');
    }
    return { status: 200, body: answer };
  }

  return {
    owns: (request) => scopeKey(request.path) === lower(PATH),
    throttled,
    routes: [
      {
        method: 'POST',
        pattern: routePattern(PATH),
        handle(request) {
          if (windowLeft() <= 0 || terms !== state.quota) {
            terms = state.quota;
            windowStart = Date.now();
            used = 0;
          }
          if (used >= state.quota.perWindow) return throttled(state.quota.retryAfterWhenExhausted ? Math.max(1, Math.ceil(windowLeft() / 1000)) : undefined);
          used += 1;
          const reply = query(request);
          return { ...reply, headers: { ...quotaHeaders(state.quota.perWindow - used), ...reply.headers } };
        },
      },
    ],
  };
}

