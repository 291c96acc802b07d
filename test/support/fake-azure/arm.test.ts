import { ContainerServiceClient } from '@azure/arm-containerservice';
import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, DEFAULT_CLIENT_SECRET, type FakeAzureState, managementGroupId, type RunningFakeAzure, startFakeAzure, stateFromSnapshot } from './index.js';
import { armOptions, armPipeline, failureOf, raw, recorder, secretCredential } from './sdk-harness.js';
import { mintAccessToken, newTokenClaims } from './tokens.js';

const PROD = '9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const HUB = '4e1a7c3b-92d5-4f08-b6e1-0c9d8a7f2e35';
const AKS_RG = `/subscriptions/${PROD}/resourceGroups/rg-prod-aks`;
const AKS_PROD = `${AKS_RG}/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const BASTION = `/subscriptions/${HUB}/resourceGroups/rg-hub-network/providers/Microsoft.Network/bastionHosts/bas-hub`;
const SITE = `/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Web/sites/app-contoso-shop`;


describe('fake Azure Resource Manager', () => {
  let azure: RunningFakeAzure;
  let pristine: Pick<FakeAzureState, 'roleAssignments' | 'denyAssignments' | 'faults' | 'armPageSize'>;
  const log = recorder();
  let arm: ReturnType<typeof armPipeline>;
  let network: (subscriptionId: string) => NetworkManagementClient;
  let aks: ContainerServiceClient;

  beforeAll(async () => {
    const state = await stateFromSnapshot('examples/contoso');
    state.resources.push(
      { id: BASTION, name: 'bas-hub', type: 'Microsoft.Network/bastionHosts', location: 'westeurope', sku: { name: 'Standard' }, properties: { enableShareableLink: true, provisioningState: 'Succeeded' } },
      { id: SITE, name: 'app-contoso-shop', type: 'Microsoft.Web/sites', kind: 'app,linux', location: 'West Europe', properties: { state: 'Running', publicNetworkAccess: 'Enabled' } },
    );
    state.shareableLinks[BASTION.toLowerCase()] = ['vm-jump-01', 'vm-web-01', 'vm-web-02'].map((vm, index) => ({ vmId: `/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachines/${vm}`, createdAt: `2024-06-0${index + 1}T10:00:00.000Z` }));
    azure = await startFakeAzure(state);
    pristine = structuredClone({ roleAssignments: state.roleAssignments, denyAssignments: state.denyAssignments, faults: state.faults, armPageSize: state.armPageSize });
    const credential = secretCredential(azure);
    arm = armPipeline(azure, credential, log.policy);
    network = (subscriptionId) => new NetworkManagementClient(credential, subscriptionId, armOptions(azure, log.policy));
    aks = new ContainerServiceClient(credential, PROD, armOptions(azure, log.policy));
  });
  beforeEach(() => Object.assign(azure.state, structuredClone(pristine)));
  afterAll(() => azure.close());

  const appAssignment = (roleName: string) => azure.state.roleAssignments.filter((assignment) => !(assignment.principalId === azure.state.app.objectId && azure.state.roleDefinitions.find((role) => role.name === assignment.roleDefinition)?.roleName === roleName));

  describe('the front door', () => {
    it('answers 401 with a WWW-Authenticate challenge for a missing, garbled, expired or foreign token', async () => {
      const url = `${azure.armUrl}/subscriptions?api-version=2022-12-01`;
      const expired = mintAccessToken(newTokenClaims({ audience: azure.armUrl, tenantId: azure.state.tenant.id, clientId: azure.state.app.clientId, objectId: azure.state.app.objectId, lifetimeSeconds: -60, viaCertificate: false }));
      const answers = await Promise.all([
        raw(url),
        raw(url, { headers: { authorization: 'Bearer not.a.token' } }),
        raw(url, { headers: { authorization: `Bearer ${expired}` } }),
      ]);
      expect(answers.map((answer) => [answer.status, (answer.json().error as { code: string }).code])).toEqual([
        [401, 'AuthenticationFailed'],
        [401, 'InvalidAuthenticationToken'],
        [401, 'ExpiredAuthenticationToken'],
      ]);
      expect(answers[2]?.json().error).toMatchObject({ message: expect.stringMatching(/^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/) });
      for (const answer of answers) expect(answer.headers['www-authenticate']).toMatch(new RegExp(`^Bearer authorization_uri="${azure.loginUrl}/${azure.state.tenant.id}", error="invalid_token", error_description="`));
      // A client left on its default scope (https://management.azure.com/.default) gets a token ARM here does not take.
      const wrongScope = new ResourceGraphClient(secretCredential(azure), { endpoint: azure.armUrl });
      expect(await failureOf(wrongScope.resources({ query: 'Resources' }))).toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationTokenAudience' });
    });

    it('answers a resource of the state by id, and ARM errors for what it does not have', async () => {
      const nic = await arm('GET', `/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Network/networkInterfaces/nic-vm-web-01?api-version=2024-05-01`);
      expect(nic.body).toMatchObject({ name: 'nic-vm-web-01', type: 'Microsoft.Network/networkInterfaces', location: 'westeurope', properties: { ipConfigurations: [{ properties: { privateIPAddress: '10.1.1.4' } }] } });
      expect(nic.body).not.toHaveProperty('resourceGroup');
      expect((await arm('GET', `/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Network/networkInterfaces/nic-nope?api-version=2024-05-01`)).body).toMatchObject({ error: { code: 'ResourceNotFound' } });
      expect((await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Foo/bars?api-version=2024-01-01`)).body).toMatchObject({ error: { code: 'InvalidResourceType' } });
      expect((await arm('GET', `/subscriptions/${PROD}/resourceGroups/rg-nope/providers/Microsoft.ContainerService/managedClusters?api-version=2024-01-01`)).body).toMatchObject({ error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg-nope' could not be found." } });
      expect((await arm('GET', `/subscriptions/0f0f0f0f-0000-4000-8000-000000000009/providers/Microsoft.ContainerService/managedClusters?api-version=2024-01-01`)).body).toMatchObject({ error: { code: 'SubscriptionNotFound' } });
      expect(await arm('GET', '/subscriptions')).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
    });

    it('fails the Nth request with a 5xx the SDK retries, and throttles with or without Retry-After', async () => {
      azure.state.armPageSize = 1;
      azure.state.faults = [{ path: '/managedClusters', method: 'GET', skip: 1, status: 500 }];
      const before = log.answers.length;
      for await (const page of aks.managedClusters.list().byPage()) void page;
      expect(log.answers.slice(before).map((answer) => answer.status)).toEqual([200, 500, 200]);
      azure.state.faults = [{ path: '/managedClusters', status: 429, retryAfterSeconds: 0 }];
      await aks.managedClusters.get('rg-prod-aks', 'aks-prod');
      expect(log.answers.at(-2)).toMatchObject({ status: 429, headers: { 'retry-after': '0', 'x-ms-ratelimit-remaining-subscription-reads': '0' } });
      azure.state.faults = [{ path: '/managedClusters', status: 429 }];
      const throttled = await failureOf(aks.managedClusters.get('rg-prod-aks', 'aks-prod'));
      expect(throttled).toMatchObject({ statusCode: 429, code: 'SubscriptionRequestsThrottled' });
      expect(throttled.message).toBe(`Number of 'read' requests for subscription '${PROD}' actor '${azure.state.app.objectId}' exceeded. Please try again after '5' seconds after the last request or wait until the next hour.`);
      expect(log.answers.at(-1)?.headers['retry-after']).toBeUndefined();
      expect(log.answers.at(-1)?.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
    });
  });

  describe('tenant level', () => {
    it('lists the subscriptions page by page through absolute nextLinks', async () => {
      azure.state.armPageSize = 1;
      const first = await arm('GET', '/subscriptions?api-version=2022-12-01');
      expect(first.body).toMatchObject({ value: [{ subscriptionId: HUB, displayName: 'contoso-connectivity', state: 'Enabled', tenantId: azure.state.tenant.id }], count: { type: 'Total', value: 2 } });
      expect(first.body.nextLink).toMatch(new RegExp(`^${azure.armUrl}/subscriptions\\?api-version=2022-12-01&%24skiptoken=`));
      const second = await arm('GET', String(first.body.nextLink));
      expect(second.body).toMatchObject({ value: [{ subscriptionId: PROD }] });
      expect(second.body.nextLink).toBeUndefined();
      expect(first.headers['x-ms-ratelimit-remaining-tenant-reads']).toMatch(/^\d+$/);
    });

    it('reads the root management group with its children, or refuses with AuthorizationFailed', async () => {
      const root = await arm('GET', `/providers/Microsoft.Management/managementGroups/${azure.state.tenant.id}?api-version=2021-04-01&$expand=children&$recurse=true`);
      expect(root.body).toMatchObject({
        name: azure.state.tenant.id,
        type: 'Microsoft.Management/managementGroups',
        properties: { displayName: 'Tenant Root Group', children: [{ name: 'mg-contoso', children: [{ name: 'mg-contoso-platform', children: [{ type: '/subscriptions', name: HUB }] }, { name: 'mg-contoso-landingzones' }] }] },
      });
      azure.state.roleAssignments = appAssignment('Reader').filter((assignment) => !(assignment.principalId === azure.state.app.objectId && assignment.roleDefinition === BUILT_IN_ROLES.managementGroupReader.name));
      const refused = await arm('GET', `/providers/Microsoft.Management/managementGroups/${azure.state.tenant.id}?api-version=2021-04-01`);
      expect(refused).toMatchObject({ status: 403, headers: { 'x-ms-failure-cause': 'gateway' } });
      expect(refused.body).toEqual({
        error: {
          code: 'AuthorizationFailed',
          message: `The client '${azure.state.app.clientId}' with object id '${azure.state.app.objectId}' does not have authorization to perform action 'Microsoft.Management/managementGroups/read' over scope '${managementGroupId(azure.state.tenant.id)}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        },
      });
    });
  });

  describe('Microsoft.Authorization', () => {
    it("lists the app's role assignments at a subscription, inherited ones included", async () => {
      azure.state.armPageSize = 100;
      const mine = await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`assignedTo('${azure.state.app.objectId}')`)}`);
      const value = mine.body.value as Array<{ properties: { scope: string; roleDefinitionId: string; principalId: string } }>;
      expect(value).toHaveLength(7);
      expect(value.every((item) => item.properties.scope === managementGroupId(azure.state.tenant.id) && item.properties.principalId === azure.state.app.objectId)).toBe(true);
      expect(value.map((item) => item.properties.roleDefinitionId)).toContain(`/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.reader.name}`);
      const everyone = await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`);
      expect(everyone.body.value).toHaveLength(14);
      expect((await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=nonsense`)).status).toBe(400);
    });

    it('reads built-in and custom role definitions with their real GUIDs and permissions', async () => {
      const reader = await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.reader.name}?api-version=2022-04-01`);
      expect(reader.body).toEqual({
        id: `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        type: 'Microsoft.Authorization/roleDefinitions',
        name: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
        properties: expect.objectContaining({ roleName: 'Reader', type: 'BuiltInRole', assignableScopes: ['/'], permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }] }),
      });
      azure.state.armPageSize = 100;
      const custom = await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("type eq 'CustomRole'")}`);
      expect(custom.body.value).toMatchObject([{ properties: { permissions: [{ actions: ['Microsoft.Web/sites/config/list/action', 'Microsoft.Network/bastionHosts/getShareableLinks/action'] }] } }]);
      expect((await arm('GET', `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions/0f0f0f0f-0000-4000-8000-00000000000a?api-version=2022-04-01`)).body).toMatchObject({ error: { code: 'RoleDefinitionDoesNotExist' } });
    });
  });

  describe('Microsoft.Network', () => {
    it('pages through a scale set\'s instance NICs (api-version 2018-10-01), which ARM answers without type', async () => {
      azure.state.armPageSize = 1;
      const nics = [];
      for await (const nic of network(PROD).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces('rg-prod-web', 'vmss-api')) nics.push(nic);
      expect(nics.map((nic) => [nic.id, nic.type, nic.ipConfigurations?.[0]?.privateIPAddress, nic.ipConfigurations?.[0]?.loadBalancerInboundNatRules?.[0]?.id?.split('/').pop()])).toEqual([
        [`/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-api/virtualMachines/0/networkInterfaces/nic-vmss-api`, undefined, '10.1.4.4', 'natpool-ssh.0'],
        [`/subscriptions/${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-api/virtualMachines/1/networkInterfaces/nic-vmss-api`, undefined, '10.1.4.5', 'natpool-ssh.1'],
      ]);
      const urls = log.answers.filter((answer) => answer.url.includes('vmss-api')).map((answer) => answer.url);
      expect(urls[0]).toMatch(/\/virtualMachineScaleSets\/vmss-api\/networkInterfaces\?api-version=2018-10-01$/);
      expect(urls[1]).toMatch(/%24skiptoken=/);
    });

    it('answers AKS node addresses for node pool instances, and the node public IP', async () => {
      const nodeGroup = 'MC_rg-prod-aks_aks-prod_westeurope';
      const system = [];
      for await (const nic of network(PROD).networkInterfaces.listVirtualMachineScaleSetNetworkInterfaces(nodeGroup, 'aks-system-27183945-vmss')) system.push(nic.ipConfigurations?.[0]?.privateIPAddress);
      expect(system).toEqual(['10.2.0.4', '10.2.0.5']);
      const publicIps = [];
      for await (const ip of network(PROD).publicIPAddresses.listVirtualMachineScaleSetPublicIPAddresses(nodeGroup, 'aks-edge-27183945-vmss')) publicIps.push(ip);
      expect(publicIps).toMatchObject([{ ipAddress: '192.0.2.71', sku: { name: 'Standard' }, ipConfiguration: { id: expect.stringMatching(/aks-edge-27183945-vmss\/virtualMachines\/0\/networkInterfaces\/aks-edge-27183945-vmss\/ipConfigurations\/ipconfig1$/) } }]);
      expect(publicIps[0]?.type).toBeUndefined();
    });

    it('pages Bastion shareable links, and refuses without the custom role action', async () => {
      const links = [];
      for await (const link of network(HUB).getBastionShareableLink('rg-hub-network', 'bas-hub', { vms: [] })) links.push(link.vm.id?.split('/').pop());
      expect(links).toEqual(['vm-jump-01', 'vm-web-01', 'vm-web-02']);
      azure.state.roleAssignments = appAssignment('reachgraph reader (custom)');
      const refused = await failureOf((async () => {
        for await (const link of network(HUB).getBastionShareableLink('rg-hub-network', 'bas-hub', { vms: [] })) void link;
      })());
      // A paged operation throws its pager's message with ARM's code; ARM's own message reaches only a policy that reads the body.
      expect(refused).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed', message: 'Pagination failed with unexpected statusCode 403' });
      expect(JSON.parse(log.answers.at(-1)?.body ?? '{}')).toMatchObject({ error: { code: 'AuthorizationFailed', message: expect.stringContaining(`'Microsoft.Network/bastionHosts/getShareableLinks/action' over scope '${BASTION}'`) } });
    });
  });

  describe('Microsoft.ContainerService', () => {
    it('pages through the managed clusters (api-version 2026-06-01) and hands out the cluster user kubeconfig', async () => {
      azure.state.armPageSize = 1;
      const names = [];
      const before = log.answers.length;
      for await (const cluster of aks.managedClusters.list()) names.push(cluster.name);
      expect(names).toEqual(['aks-prod', 'aks-internal']);
      expect(log.answers[before]?.url).toBe(`${azure.armUrl}/subscriptions/${PROD}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-06-01`);
      const wired = azure.state.clusters.find((cluster) => cluster.id === AKS_PROD);
      if (wired) wired.kubeconfig = () => 'apiVersion: v1\nkind: Config\nclusters: []\n';
      const credentials = await aks.managedClusters.listClusterUserCredentials('rg-prod-aks', 'aks-prod');
      expect(credentials.kubeconfigs?.map((kubeconfig) => [kubeconfig.name, Buffer.from(kubeconfig.value ?? new Uint8Array()).toString('utf8')])).toEqual([['clusterUser', 'apiVersion: v1\nkind: Config\nclusters: []\n']]);
      const internal = await aks.managedClusters.listClusterUserCredentials('rg-prod-aks', 'aks-internal');
      const kubeconfig = Buffer.from(internal.kubeconfigs?.[0]?.value ?? new Uint8Array()).toString('utf8');
      expect(kubeconfig).toContain('server: https://aks-internal-3b8c1f2e.5e7a9c1d-3b5f-4d7a-9c1e-3f5b7d9a1c2e.privatelink.westeurope.azmk8s.io:443');
      expect(kubeconfig).toContain('command: kubelogin');
    });

    it('refuses the credentials of a cluster under a deny assignment', async () => {
      azure.state.denyAssignments = [{ scope: AKS_PROD, actions: ['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'] }];
      const refused = await failureOf(aks.managedClusters.listClusterUserCredentials('rg-prod-aks', 'aks-prod'));
      expect(refused).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
      expect(refused.message).toBe(
        `The client '${azure.state.app.clientId}' with object id '${azure.state.app.objectId}' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action' over scope '${AKS_PROD}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
      await expect(aks.managedClusters.listClusterUserCredentials('rg-prod-aks', 'aks-internal')).resolves.toBeDefined();
    });
  });

  describe('Microsoft.Web', () => {
    it("answers a site's web configuration, App Service's defaults unless the state sets restrictions", async () => {
      const defaults = await arm('GET', `${SITE}/config/web?api-version=2023-12-01`);
      expect(defaults.body).toMatchObject({ id: `${SITE}/config/web`, name: 'app-contoso-shop', type: 'Microsoft.Web/sites/config', properties: { publicNetworkAccess: 'Enabled', ipSecurityRestrictions: [{ ipAddress: 'Any', action: 'Allow', name: 'Allow all' }], ipSecurityRestrictionsDefaultAction: 'Allow' } });
      azure.state.webConfigs[SITE.toLowerCase()] = { ipSecurityRestrictions: [{ ipAddress: '203.0.113.0/24', action: 'Allow', priority: 100, name: 'office' }], ipSecurityRestrictionsDefaultAction: 'Deny' };
      try {
        expect((await arm('GET', `${SITE}/config/web?api-version=2023-12-01`)).body).toMatchObject({ properties: { ipSecurityRestrictions: [{ name: 'office' }], ipSecurityRestrictionsDefaultAction: 'Deny' } });
      } finally {
        delete azure.state.webConfigs[SITE.toLowerCase()];
      }
      azure.state.denyAssignments = [{ scope: SITE, actions: ['Microsoft.Web/sites/config/*'] }];
      expect(await arm('GET', `${SITE}/config/web?api-version=2023-12-01`)).toMatchObject({ status: 403, body: { error: { code: 'AuthorizationFailed' } } });
    });
  });

  it('never answers with the secret', () => {
    expect(log.answers.length).toBeGreaterThan(20);
    for (const answer of log.answers) expect(answer.body).not.toContain(DEFAULT_CLIENT_SECRET);
  });
});
