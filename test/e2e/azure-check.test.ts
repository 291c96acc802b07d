/**
 * `reachgraph azure check` through the CLI against the fake Contoso tenant:
 * what a user sees when pressing CONNECT — the tenant's management groups
 * and subscriptions, a ✓/✗ per prerequisite with the portal step and the `az`
 * command for each ✗, one distinct message per sign-in failure, and an exit
 * code that is 1 only when something *required* is missing. No run may print
 * the client secret or a token.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckReport, CheckResult } from '../../src/collect/check/check.js';
import { PREREQUISITES } from '../../src/collect/check/prerequisites.js';
import { BUILT_IN_ROLES, DEFAULT_CLIENT_SECRET, DEFAULT_GRAPH_ROLES, type FakeAzureState, managementGroupId, reachgraphCustomRole, stableGuid, stateFromSnapshot } from '../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../support/fake-tenant.js';
import { type CliRun, runCli } from '../helpers/cli.js';

const contoso = path.resolve(import.meta.dirname, '../../examples/contoso');
const HUB = '4e1a7c3b-92d5-4f08-b6e1-0c9d8a7f2e35';
/** contoso-prod: the only subscription holding AKS clusters. */
const PROD = '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const AKS_PROD = `/subscriptions/${PROD}/resourceGroups/rg-prod-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const MICROSOFT_GRAPH = '00000003-0000-0000-c000-000000000000';
const POLICY_READ_ALL = '246dd0d5-5bd0-4def-940b-0421030a5b68';
/** A JWT (access token) anywhere in the output. */
const JWT = /eyJ[\w-]+\.eyJ[\w-]+\./;

let tenant: FakeTenant;
let state: FakeAzureState;
let pristine: Pick<FakeAzureState, 'roleAssignments' | 'denyAssignments'> & { app: FakeAzureState['app'] };

beforeAll(async () => {
  tenant = await startFakeTenant(await stateFromSnapshot(contoso), { snapshotDir: contoso });
  state = tenant.azure.state;
  pristine = structuredClone({ roleAssignments: state.roleAssignments, denyAssignments: state.denyAssignments, app: state.app });
});
// Every test starts from "everything granted" and may break one thing.
beforeEach(() => {
  Object.assign(state, structuredClone(pristine));
});
afterEach(() => vi.unstubAllEnvs());
afterAll(async () => tenant?.close());

/** `reachgraph azure check <args>` with the tenant's environment (some of it overridden); asserts nothing secret was printed. */
async function check(args: string[] = [], env: Record<string, string> = {}): Promise<CliRun> {
  const settings = { ...tenant.env, ...env };
  // In-process the test CA is trusted already; NODE_EXTRA_CA_CERTS is for child processes.
  for (const [name, value] of Object.entries(settings)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
  const run = await runCli('azure', 'check', ...args);
  const output = run.stdout + run.stderr;
  expect(output).not.toContain(DEFAULT_CLIENT_SECRET);
  expect(output).not.toContain(settings.AZURE_CLIENT_SECRET);
  expect(output).not.toMatch(JWT);
  return run;
}

async function checkJson(env: Record<string, string> = {}): Promise<{ code: number; report: CheckReport; byId: (id: string) => CheckResult }> {
  const run = await check(['--json'], env);
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as CheckReport;
  const byId = (id: string): CheckResult => {
    const found = report.checks.find((item) => item.id === id);
    if (!found) throw new Error(`no check ${id} in ${report.checks.map((item) => item.id).join(', ')}`);
    return found;
  };
  return { code: run.code, report, byId };
}

/** Removes the app's assignments of these roles (all made at the root management group by default). */
function revoke(...roleGuids: string[]): void {
  const before = state.roleAssignments.length;
  state.roleAssignments = state.roleAssignments.filter((assignment) => assignment.principalId !== state.app.objectId || !roleGuids.includes(assignment.roleDefinition));
  expect(state.roleAssignments.length, 'the roles to revoke were assigned').toBe(before - roleGuids.length);
}

function grant(roleGuid: string, scope: string): void {
  state.roleAssignments.push({ name: stableGuid('azure check test', roleGuid, scope), scope, roleDefinition: roleGuid, principalId: state.app.objectId, principalType: 'ServicePrincipal', createdOn: '2024-03-01T10:00:00.0000000Z' });
}

/** The text report's line for a check, with the indented fix lines under it. */
function block(stdout: string, title: string): string {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.includes(title));
  expect(start, `a line for ${title}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('    '));
  return lines.slice(start, end).join('\n');
}

describe('azure check against the fake Contoso tenant', () => {
  it('passes every prerequisite when everything is granted, listing the management groups and both subscriptions', async () => {
    const text = await check();
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Tenant ${state.tenant.id} (AzurePublicCloud), signed in as ${state.app.clientId} (secret)`);
    expect(text.stdout).toContain('Management groups: Tenant Root Group, Platform, Contoso, Landing zones');
    expect(text.stdout).toContain(`Subscriptions: contoso-connectivity (${HUB}), contoso-prod (${PROD})`);
    for (const prerequisite of PREREQUISITES) expect(text.stdout).toMatch(new RegExp(`^✓ ${prerequisite.title.replace(/[()]/g, '\\$&')}`, 'm'));
    expect(text.stdout).not.toContain('✗');
    expect(text.stdout).toContain('Ready: every required prerequisite holds.');

    const { code, report } = await checkJson();
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, tenantId: state.tenant.id, cloud: 'AzurePublicCloud', principal: { clientId: state.app.clientId, objectId: state.app.objectId, method: 'secret' } });
    expect(report.subscriptions.map((subscription) => [subscription.subscriptionId, subscription.displayName])).toEqual([
      [HUB, 'contoso-connectivity'],
      [PROD, 'contoso-prod'],
    ]);
    expect(report.managementGroups.map((group) => group.id).sort()).toEqual([state.tenant.id, 'mg-contoso', 'mg-contoso-landingzones', 'mg-contoso-platform'].map(managementGroupId).sort());
    // One result per prerequisite, none dropped, all passing without a fix.
    expect(report.checks.map((item) => [item.id, item.status, item.fix])).toEqual(PREREQUISITES.map((prerequisite) => [prerequisite.id, 'pass', undefined]));
    // The AKS roles apply to contoso-prod alone: it is the only subscription with clusters.
    expect(report.checks.find((item) => item.id === 'aks-cluster-user')?.detail).toBe('granted on 1 of 1 subscription(s)');
    // The fake grants Graph's least-privileged per-family permissions rather than Directory.Read.All itself.
    expect(report.checks.find((item) => item.id === 'graph-directory-read-all')?.detail).toMatch(/^granted as its least-privileged equivalent: /);
  });

  describe('sign-in failures: one clear message each, exit 1, no secret', () => {
    const closedPort = async (): Promise<number> => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await new Promise((resolve) => server.close(resolve));
      return port;
    };

    it.each<{ failure: string; env: Record<string, string>; expected: RegExp[] }>([
      // A secret's ID is a GUID: what users paste by mistake from the portal's "Secret ID" column.
      { failure: 'a wrong secret', env: { AZURE_CLIENT_SECRET: '3f9c2b71-5d4e-4a8b-9c1d-2e7f6a5b4c3d' }, expected: [/the client secret is invalid \(AADSTS7000215\)/, /secret's ID was pasted instead of its Value/] },
      { failure: 'an unknown client id', env: { AZURE_CLIENT_ID: '0c0ffee0-1234-4abc-8def-0123456789ab' }, expected: [/no application with client id 0c0ffee0-1234-4abc-8def-0123456789ab exists in tenant b3d8f1c2-\S+ \(AADSTS700016\)/, /check AZURE_CLIENT_ID/] },
      // With a custom authority host MSAL fails before the token request; sign-in asks the OpenID configuration why.
      { failure: 'an unknown tenant', env: { AZURE_TENANT_ID: '7e57e57e-0000-4000-8000-000000000000' }, expected: [/tenant 7e57e57e-0000-4000-8000-000000000000 was not found in this cloud \(AADSTS90002\)/, /check AZURE_TENANT_ID/] },
    ])('$failure', async ({ env, expected }) => {
      const run = await check([], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      for (const pattern of expected) expect(run.stderr).toMatch(pattern);
      expect(run.stderr).not.toMatch(/unexpected error/);
    });

    it('an expired secret', async () => {
      (state.app.secrets[0] as { expired?: boolean }).expired = true;
      const run = await check();
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the client secret has expired \(AADSTS7000222\)/);
      expect(run.stderr).toMatch(/create a new secret .* and reconnect/);
      // Not mistaken for a pasted secret ID: the secret is right, only old.
      expect(run.stderr).not.toMatch(/ID was pasted/);
    });

    it('with --json, a failed sign-in still answers JSON on stdout', async () => {
      const run = await check(['--json'], { AZURE_CLIENT_SECRET: '3f9c2b71-5d4e-4a8b-9c1d-2e7f6a5b4c3d' });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toEqual({ ok: false, error: { message: expect.stringMatching(/AADSTS7000215/) } });
    });

    // MSAL words an unreachable custom authority like an unknown tenant (endpoints_resolution_error); sign-in tells them apart.
    it('an unreachable login endpoint', { timeout: 30_000 }, async () => {
      const run = await check([], { AZURE_AUTHORITY_HOST: `https://127.0.0.1:${await closedPort()}` });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/could not be reached/);
      expect(run.stderr).not.toMatch(/could not resolve tenant/);
    });
  });

  it('marks Reader missing on the one subscription that lacks it, with the portal step and the az command for that scope', async () => {
    // Reader moves from the root management group to contoso-connectivity alone; the other roles stay, so both subscriptions stay visible.
    revoke(BUILT_IN_ROLES.reader.name);
    grant(BUILT_IN_ROLES.reader.name, `/subscriptions/${HUB}`);

    const { code, report, byId } = await checkJson();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const reader = byId('reader');
    expect(reader).toMatchObject({ required: true, status: 'fail', missing: [`/subscriptions/${PROD}`] });
    expect(reader.detail).toBe(`missing on 1 of 2 subscription(s): ${PROD}`);
    expect(reader.fix?.portal).toMatch(/Access control \(IAM\) → Add role assignment → "Reader" → .*select the app/);
    expect(reader.fix?.az).toEqual([`az role assignment create --assignee ${state.app.clientId} --role "Reader" --scope /subscriptions/${PROD}`]);
    // Only Reader is at fault.
    expect(report.checks.filter((item) => item.status === 'fail').map((item) => item.id)).toEqual(['reader']);

    const text = await check();
    expect(text.code).toBe(1);
    const lines = block(text.stdout, 'Reader on each subscription');
    expect(lines).toMatch(new RegExp(`^✗ Reader on each subscription \\(or above it\\) — missing on 1 of 2 subscription\\(s\\): ${PROD}`));
    expect(lines).toContain('    portal: Subscriptions → <subscription> → Access control (IAM)');
    expect(lines).toContain(`    az:     az role assignment create --assignee ${state.app.clientId} --role "Reader" --scope /subscriptions/${PROD}`);
    expect(lines).not.toContain(HUB);
    expect(text.stdout).toContain('Not ready');
  });

  it('marks Reader missing when the subscription\'s role assignments cannot be read (a deny assignment on reads)', async () => {
    state.denyAssignments = [{ scope: `/subscriptions/${PROD}`, actions: ['*/read'] }];
    const { code, byId } = await checkJson();
    expect(code).toBe(1);
    expect(byId('reader')).toMatchObject({ status: 'fail', missing: [`/subscriptions/${PROD}`] });
    expect(byId('role-assignments-readable')).toMatchObject({ required: false, status: 'fail', missing: [`/subscriptions/${PROD}`] });
    expect(byId('role-assignments-readable').detail).toMatch(/AuthorizationFailed/);
  });

  it('marks a Microsoft Graph permission not granted with the az ad app permission fix', async () => {
    state.app.graphRoles = DEFAULT_GRAPH_ROLES.filter((role) => role !== 'Policy.Read.All');
    const { code, report, byId } = await checkJson();
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(byId('graph-directory-read-all').status).toBe('pass');
    const policy = byId('graph-policy-read-all');
    expect(policy).toMatchObject({ required: true, status: 'fail', detail: expect.stringMatching(/not granted with admin consent/) });
    expect(policy.fix?.portal).toMatch(/API permissions → Add a permission → Microsoft Graph → Application permissions → Policy\.Read\.All → .*Grant admin consent/);
    expect(policy.fix?.az).toEqual([`az ad app permission add --id ${state.app.clientId} --api ${MICROSOFT_GRAPH} --api-permissions ${POLICY_READ_ALL}=Role && az ad app permission admin-consent --id ${state.app.clientId}`]);

    const text = await check();
    expect(block(text.stdout, 'Policy.Read.All')).toMatch(/^✗ Microsoft Graph Policy\.Read\.All[^\n]*\n {4}portal: [^\n]+\n {4}az: {5}az ad app permission add /);
  });

  it('counts Directory.Read.All or all of its least-privileged equivalent, not part of it', async () => {
    state.app.graphRoles = ['Directory.Read.All', 'Policy.Read.All'];
    const whole = await checkJson();
    expect(whole.code).toBe(0);
    expect(whole.byId('graph-directory-read-all').detail).toBe('granted with admin consent (in the token\'s roles)');

    // Without GroupMember.Read.All the collector could not read group members: the narrower set no longer adds up.
    state.app.graphRoles = DEFAULT_GRAPH_ROLES.filter((role) => role !== 'GroupMember.Read.All');
    const partial = await checkJson();
    expect(partial.code).toBe(1);
    const directory = partial.byId('graph-directory-read-all');
    expect(directory).toMatchObject({ required: true, status: 'fail', detail: expect.stringMatching(/nor all of .*GroupMember\.Read\.All/) });
    expect(directory.fix?.az[0]).toContain(`--api-permissions 7ab1d382-f21e-4acd-a863-ba3e13f7da61=Role`);
  });

  describe('AKS roles', () => {
    it('are required only where clusters are: missing, they fail for contoso-prod alone', async () => {
      revoke(BUILT_IN_ROLES.aksClusterUser.name, BUILT_IN_ROLES.aksRbacReader.name);
      const { code, report, byId } = await checkJson();
      expect(code).toBe(1);
      expect(report.ok).toBe(false);
      for (const [id, role] of [
        ['aks-cluster-user', 'Azure Kubernetes Service Cluster User Role'],
        ['aks-rbac-reader', 'Azure Kubernetes Service RBAC Reader'],
      ] as const) {
        expect(byId(id)).toMatchObject({ required: true, status: 'fail', missing: [`/subscriptions/${PROD}`], detail: `missing on 1 of 1 subscription(s): ${PROD}` });
        expect(byId(id).fix?.az).toEqual([`az role assignment create --assignee ${state.app.clientId} --role "${role}" --scope /subscriptions/${PROD}`]);
      }
      expect(report.checks.filter((item) => item.status === 'fail').map((item) => item.id).sort()).toEqual(['aks-cluster-user', 'aks-rbac-reader']);
    });

    it('count when granted on the cluster itself', async () => {
      revoke(BUILT_IN_ROLES.aksClusterUser.name, BUILT_IN_ROLES.aksRbacReader.name);
      grant(BUILT_IN_ROLES.aksClusterUser.name, AKS_PROD);
      grant(BUILT_IN_ROLES.aksRbacReader.name, AKS_PROD);
      const { code, byId } = await checkJson();
      expect(code).toBe(0);
      expect(byId('aks-cluster-user').status).toBe('pass');
      expect(byId('aks-rbac-reader').status).toBe('pass');
    });

    it('are not applicable when no visible subscription holds a cluster', async () => {
      const run = await check(['--json', '--exclude-subscription', PROD]);
      const report = JSON.parse(run.stdout) as CheckReport;
      expect(run.code).toBe(0);
      expect(report.subscriptions.map((subscription) => subscription.subscriptionId)).toEqual([HUB]);
      expect(report.checks.filter((item) => item.id.startsWith('aks-')).map((item) => [item.status, item.detail])).toEqual([
        ['not-applicable', 'no subscription holds managedclusters'],
        ['not-applicable', 'no subscription holds managedclusters'],
      ]);
    });
  });

  it('shows the optional prerequisites missing as ✗ (optional) yet exits 0 when every required one holds', async () => {
    revoke(BUILT_IN_ROLES.storageBlobDataReader.name, BUILT_IN_ROLES.storageFileDataPrivilegedReader.name, reachgraphCustomRole(state.tenant.id).name);
    const { code, report } = await checkJson();
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    const failed = report.checks.filter((item) => item.status === 'fail');
    expect(failed.map((item) => [item.id, item.required, item.missing])).toEqual([
      ['storage-blob-data-reader', false, [`/subscriptions/${HUB}`, `/subscriptions/${PROD}`]],
      ['storage-file-data-privileged-reader', false, [`/subscriptions/${HUB}`, `/subscriptions/${PROD}`]],
      ['reachgraph-custom-role', false, [`/subscriptions/${HUB}`, `/subscriptions/${PROD}`]],
    ]);
    // Each still carries its fix: one az command per subscription lacking it.
    for (const item of failed) expect(item.fix?.az).toHaveLength(2);
    expect(report.checks.filter((item) => item.required).every((item) => item.status === 'pass')).toBe(true);

    const text = await check();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^✗ Storage Blob Data Reader \(optional\) — missing on 2 of 2/m);
    expect(text.stdout).toMatch(/^✗ Storage File Data Privileged Reader \(optional\) — /m);
    expect(text.stdout).toMatch(/^✗ reachgraph custom role .*\(optional\) — /m);
    expect(text.stdout).toContain('az role definition create --role-definition docs/azure/reachgraph-reader-role.json');
    expect(text.stdout).toContain('Ready: every required prerequisite holds.');
  });
});
