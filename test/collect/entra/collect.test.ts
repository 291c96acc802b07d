import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectEntra, type EntraCollectOptions } from '../../../src/collect/entra/collect.js';
import { RequestStats, requestCountingPolicy } from '../../../src/collect/http/request-stats.js';
import { throttlePolicy } from '../../../src/collect/http/throttle-policy.js';
import { ENTRA_FAMILIES } from '../../../src/collect/entra/families.js';
import { type FakeGraph, FakeGraphCredential, type FakeGraphState, startFakeGraph } from '../../support/fake-graph.js';
import { syntheticDirectory } from '../../support/fake-graph-directory.js';
import { trustTestCertificate } from '../../support/https-server.js';

const ALL_ROLES = ['Directory.Read.All', 'Policy.Read.All'];

let fake: FakeGraph | undefined;
let outDir = '';
const waits: number[] = [];

beforeAll(() => trustTestCertificate());

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  waits.length = 0;
});

async function start(state: Partial<FakeGraphState> = {}): Promise<FakeGraph> {
  fake = await startFakeGraph({ directory: syntheticDirectory(), pageSize: 3, ...state });
  outDir = path.join(mkdtempSync(path.join(tmpdir(), 'reachgraph-entra-')), 'entra');
  return fake;
}

function collect(graph: FakeGraph, options: Partial<EntraCollectOptions> = {}) {
  return collectEntra({
    credential: new FakeGraphCredential({ roles: ALL_ROLES }),
    graphEndpoint: graph.url,
    outDir,
    sleep: async (ms) => void waits.push(ms),
    ...options,
  });
}

const read = (file: string): { '@odata.context': string; value: Array<Record<string, unknown>> } => JSON.parse(readFileSync(path.join(outDir, file), 'utf8'));

describe('collectEntra', () => {
  it('writes each family as one Graph list response holding every page', async () => {
    const graph = await start();
    const directory = graph.state.directory;
    const result = await collect(graph);

    expect(result.failed).toEqual([]);
    expect(result.counts).toEqual({
      users: directory.users.length,
      groups: directory.groups.length,
      groupMembers: directory.groups.length,
      servicePrincipals: directory.servicePrincipals.length,
      applications: directory.applications.length,
      appRoleAssignments: directory.appRoleAssignments.length,
      directoryRoleDefinitions: directory.roleDefinitions.length,
      directoryRoleAssignments: directory.roleAssignments.length,
      conditionalAccessPolicies: directory.conditionalAccessPolicies.length,
    });
    expect(readdirSync(outDir).sort()).toEqual(ENTRA_FAMILIES.map((family) => family.file).sort());
    expect(read('users.json').value.map((user) => user.id)).toEqual(directory.users.map((user) => user.id));
    expect(read('service-principals.json').value.map((principal) => principal.id)).toEqual(directory.servicePrincipals.map((principal) => principal.id));
    // 20 users at 3 a page: the first request and six nextLinks, each followed as given.
    const userPages = graph.calls.filter((call) => call.target.startsWith('/v1.0/users?'));
    expect(userPages).toHaveLength(7);
    for (const page of userPages.slice(1)) expect(page.target).toMatch(/^\/v1\.0\/users\?\$select=id,displayName,.*&\$top=999&\$skiptoken=[\w-]+$/);
    expect(graph.calls.every((call) => call.status === 200)).toBe(true);
  });

  it('keeps the payloads as Microsoft Graph documents them, narrowed by $select', async () => {
    const graph = await start();
    const directory = graph.state.directory;
    await collect(graph);

    const users = read('users.json');
    expect(users['@odata.context']).toBe(`${graph.url}/v1.0/$metadata#users(id,displayName,userPrincipalName,mail,userType,accountEnabled,createdDateTime,externalUserState,onPremisesSyncEnabled)`);
    expect(users.value[9]).toEqual({
      id: directory.users[9]?.id,
      displayName: 'User 9',
      userPrincipalName: 'guest9_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      mail: 'guest9@fabrikam.com',
      userType: 'Guest',
      accountEnabled: true,
      createdDateTime: '2024-01-10T00:00:00Z',
      externalUserState: 'Accepted',
      onPremisesSyncEnabled: true,
    });

    const members = read('group-members.json');
    expect(members['@odata.context']).toBe(`${graph.url}/v1.0/$metadata#groups(id,members(id))`);
    const first = directory.groups[0]?.id as string;
    expect(members.value[0]).toEqual({
      id: first,
      members: (directory.groupMembers[first] ?? []).map((id) => ({
        '@odata.type': directory.users.some((user) => user.id === id) ? '#microsoft.graph.user' : directory.groups.some((group) => group.id === id) ? '#microsoft.graph.group' : '#microsoft.graph.servicePrincipal',
        id,
      })),
    });
    expect(members.value.map((group) => group.id)).toEqual(directory.groups.map((group) => group.id));

    const apps = read('applications.json').value;
    expect(apps[0]?.federatedIdentityCredentials).toEqual([
      expect.objectContaining({ issuer: expect.stringMatching(/^https:\/\/eastus\.oic\.prod-aks\.azure\.com\//), subject: 'system:serviceaccount:team-0:workload-0', audiences: ['api://AzureADTokenExchange'] }),
    ]);
    expect(apps[1]?.federatedIdentityCredentials).toEqual([]);

    const assignments = read('app-role-assignments.json');
    expect(assignments['@odata.context']).toBe(`${graph.url}/v1.0/$metadata#Collection(microsoft.graph.appRoleAssignment)`);
    expect(assignments.value.map((assignment) => assignment.id).sort()).toEqual(directory.appRoleAssignments.map((assignment) => assignment.id).sort());
    expect(Object.keys(assignments.value[0] ?? {}).sort()).toEqual(['appRoleId', 'createdDateTime', 'deletedDateTime', 'id', 'principalDisplayName', 'principalId', 'principalType', 'resourceDisplayName', 'resourceId']);

    const identity = read('service-principals.json').value.find((principal) => principal.servicePrincipalType === 'ManagedIdentity');
    expect(identity?.alternativeNames).toEqual(['isExplicit=True', expect.stringMatching(/\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/id-workload-0$/)]);
    expect(read('directory-role-assignments.json').value[0]).toEqual(directory.roleAssignments[0]);
    expect(read('conditional-access-policies.json').value).toEqual(directory.conditionalAccessPolicies);
  });

  it('rides out throttling and service errors on first pages and nextLinks alike', async () => {
    const graph = await start();
    const directory = graph.state.directory;
    graph.state.faults.push(
      { path: /^\/v1\.0\/users\?.*skiptoken/, skip: 2, status: 429, retryAfterSeconds: 3 },
      { path: /\/members\?.*skiptoken/, status: 429, times: 2 },
      { path: '/appRoleAssignedTo', skip: 4, status: 503 },
      { path: '/v1.0/identity/conditionalAccess/policies', status: 502 },
    );
    const result = await collect(graph);

    expect(result.failed).toEqual([]);
    expect(graph.calls.filter((call) => call.status !== 200).map((call) => call.status).sort()).toEqual([429, 429, 429, 502, 503]);
    expect(waits).toHaveLength(5);
    expect(waits).toContain(3000);
    expect(read('users.json').value.map((user) => user.id)).toEqual(directory.users.map((user) => user.id));
    expect(read('group-members.json').value.flatMap((group) => group.members as unknown[])).toHaveLength(Object.values(directory.groupMembers).flat().length);
    expect(read('app-role-assignments.json').value.map((assignment) => assignment.id).sort()).toEqual(directory.appRoleAssignments.map((assignment) => assignment.id).sort());
    expect(read('conditional-access-policies.json').value).toEqual(directory.conditionalAccessPolicies);
  });

  it('runs the connection\'s request counting and throttling policies on every request on the wire', async () => {
    const graph = await start();
    graph.state.faults.push({ path: '/v1.0/groups?', status: 429, times: 2 }, { path: '/v1.0/applications', status: 503 });
    const stats = new RequestStats();
    const throttleWaits: number[] = [];
    const result = await collect(graph, {
      additionalPolicies: [
        { policy: throttlePolicy({ stats, sleep: async (ms) => void throttleWaits.push(ms) }), position: 'perRetry' },
        { policy: requestCountingPolicy(stats, 'graph'), position: 'perRetry' },
      ],
    });

    expect(result.failed).toEqual([]);
    expect(stats.requests).toBe(graph.calls.length);
    expect(stats.byService.get('graph')).toBe(graph.calls.length);
    // The connection's policy waits out the 429s; the 503 is Graph's retry's to handle.
    expect(throttleWaits).toHaveLength(2);
    expect(waits).toHaveLength(1);
  });

  it('never writes credential secrets, even when Graph sends them, and keeps their metadata', async () => {
    const canary = 'CANARY-2f9c1e7d-secret-must-not-leak';
    const graph = await start({ directory: syntheticDirectory({ canary }) });
    const result = await collect(graph);

    expect(result.failed).toEqual([]);
    for (const file of readdirSync(outDir)) expect(readFileSync(path.join(outDir, file), 'utf8')).not.toContain(canary);
    expect(JSON.stringify(result)).not.toContain(canary);
    const app = read('applications.json').value[0];
    expect(app?.passwordCredentials).toEqual([
      { keyId: expect.any(String), displayName: 'ci secret', customKeyIdentifier: null, hint: 'q~8', startDateTime: '2024-01-01T00:00:00Z', endDateTime: '2024-06-29T00:00:00Z' },
    ]);
    expect(app?.keyCredentials).toEqual([expect.objectContaining({ type: 'AsymmetricX509Cert', usage: 'Verify', keyId: expect.any(String), endDateTime: expect.any(String) })]);
    expect(app?.keyCredentials).toEqual([expect.not.objectContaining({ key: expect.anything() })]);
  });

  it('fails only the family whose permission is missing, with the permission and how to grant it', async () => {
    const graph = await start({ grantedRoles: ['Directory.Read.All'] });
    const result = await collect(graph);

    expect(result.failed).toEqual([{ family: 'conditionalAccessPolicies', reason: expect.stringContaining('Microsoft Graph application permission Policy.Read.All'), denied: true }]);
    const reason = result.failed[0]?.reason ?? '';
    expect(reason).toContain('403 AccessDenied');
    expect(reason).toContain('API permissions → Add a permission → Microsoft Graph → Application permissions → Policy.Read.All, then Grant admin consent');
    expect(reason).toContain("appRoles[?value=='Policy.Read.All'].id");
    expect(reason).toContain('az ad app permission admin-consent --id <appId>');
    expect(readdirSync(outDir)).not.toContain('conditional-access-policies.json');
    expect(Object.keys(result.counts)).toHaveLength(ENTRA_FAMILIES.length - 1);
  });

  it('fails the families read through a refused one, naming the cause', async () => {
    const graph = await start();
    const result = await collect(graph, { credential: new FakeGraphCredential({ roles: ['User.Read.All', 'Application.Read.All', 'RoleManagement.Read.Directory', 'Policy.Read.All'] }) });

    expect(result.failed.map((failure) => failure.family)).toEqual(['groups', 'groupMembers']);
    expect(result.failed[0]?.reason).toMatch(/^Microsoft Graph refused GET \/v1\.0\/groups \(403 Authorization_RequestDenied: Insufficient privileges to complete the operation\.\): the app lacks the Microsoft Graph application permission GroupMember\.Read\.All \(or Directory\.Read\.All, which covers it\)/);
    expect(result.failed[1]?.reason).toMatch(/^not collected: it is read for each item of groups, which failed — Microsoft Graph refused GET \/v1\.0\/groups/);
    // Refused for want of a permission, directly or through the family it is read for: not permitted, not broken.
    expect(result.failed.map((failure) => failure.denied)).toEqual([true, true]);
    expect(readdirSync(outDir).sort()).toEqual(ENTRA_FAMILIES.filter((family) => !['groups', 'groupMembers'].includes(family.key)).map((family) => family.file).sort());
  });

  it.each(ENTRA_FAMILIES.map((family) => [family.key, family] as const))('collects %s with its documented permission alone', async (_key, family) => {
    const graph = await start();
    const parent = ENTRA_FAMILIES.find((candidate) => candidate.key === family.eachOf);
    const roles = [family.permission, ...(parent ? [parent.permission] : [])];
    const result = await collect(graph, { credential: new FakeGraphCredential({ roles }) });
    expect(result.failed.map((failure) => failure.family)).not.toContain(family.key);
  });

  it('keeps per-item requests within the concurrency, across families', async () => {
    const graph = await start({ directory: syntheticDirectory({ groups: 12, applications: 8 }) });
    let inFlight = 0;
    let most = 0;
    graph.onRequest = async (target) => {
      if (!/\/(members|appRoleAssignedTo)\?/.test(target)) return;
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight -= 1;
    };
    const result = await collect(graph, { concurrency: 3 });

    expect(result.failed).toEqual([]);
    expect(most).toBe(3);
  });

  it('leaves out a group deleted between the listing and the reading of its members', async () => {
    const graph = await start();
    const gone = graph.state.directory.groups[2]?.id as string;
    graph.state.faults.push({ path: `/groups/${gone}/members`, status: 404, times: Infinity });
    const result = await collect(graph);

    expect(result.failed).toEqual([]);
    expect(read('group-members.json').value.map((group) => group.id)).toEqual(graph.state.directory.groups.map((group) => group.id).filter((id) => id !== gone));
  });

  it('tells progress as each family ends, failed ones included', async () => {
    const graph = await start();
    graph.state.grantedRoles = ALL_ROLES.filter((role) => role !== 'Policy.Read.All');
    const ended: string[] = [];
    await collect(graph, { onFamilyDone: (family) => ended.push(family) });
    expect(ended.sort()).toEqual(ENTRA_FAMILIES.map((family) => family.key).sort());
  });

  it('takes a new token whenever the credential says the last one expired', async () => {
    const graph = await start();
    const credential = new FakeGraphCredential({ roles: ALL_ROLES, lifetimeSeconds: 60, reportExpiresInMs: 500 });
    const result = await collect(graph, { credential });

    expect(result.failed).toEqual([]);
    // Requests waiting at the same moment share the new token, so count tokens minted, each of which was sent.
    const tokens = graph.calls.map((call) => call.tokenId);
    expect(new Set(tokens).size).toBe(credential.issued);
    expect(credential.issued).toBeGreaterThan(10);
  });

  it('reports a rejected token on every family with the fix, and writes nothing', async () => {
    const graph = await start();
    const result = await collect(graph, { credential: new FakeGraphCredential({ roles: ALL_ROLES, lifetimeSeconds: -60 }) });

    expect(result.counts).toEqual({});
    expect(result.failed.map((failure) => failure.family)).toEqual(ENTRA_FAMILIES.map((family) => family.key));
    expect(result.failed[0]?.reason).toBe(
      'Microsoft Graph refused GET /v1.0/users (401 InvalidAuthenticationToken: Lifetime validation failed, the token is expired.): ' +
        'the access token was rejected — expired, issued for another resource or tenant, or not an app token. ' +
        `Fix: check the tenant the credential signs in to (AZURE_TENANT_ID) and that it asks for ${graph.url}/.default; for a sovereign cloud pass --cloud (or --graph-endpoint).`,
    );
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('keeps the families already written when a later page fails, and leaves no partial file', async () => {
    const graph = await start();
    graph.state.faults.push({ path: /^\/v1\.0\/servicePrincipals\?.*skiptoken/, skip: 1, times: Infinity, status: 500, code: 'UnknownError', message: 'Internal server error.' });
    const result = await collect(graph);

    expect(result.failed.map((failure) => failure.family)).toEqual(['servicePrincipals', 'appRoleAssignments']);
    expect(result.failed[0]?.reason).toContain('(500 UnknownError: Internal server error.): a Microsoft Graph service error that persisted through retries. Fix: run the collection again later.');
    expect(readdirSync(outDir).filter((file) => file.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(outDir)).toContain('users.json');
  });

  it('stops when aborted, leaving no partial file', async () => {
    const graph = await start();
    const controller = new AbortController();
    graph.onRequest = () => {
      if (graph.calls.length === 12) controller.abort(new Error('stopped by the test'));
    };
    await expect(collect(graph, { signal: controller.signal })).rejects.toThrow('stopped by the test');
    expect(readdirSync(outDir).filter((file) => file.endsWith('.partial'))).toEqual([]);
  });
});
