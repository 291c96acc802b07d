/**
 * What the collector reads from ARM beyond Resource Graph, against the fake
 * tenant: scale-set instance NICs and public IPs kept as ARM sent them with
 * the `type` ARM leaves out, App Service web configuration without its
 * secret-bearing fields, Bastion shareable links without the link.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stateFromSnapshot } from '../../support/fake-azure/index.js';
import { type FakeTenant, startFakeTenant } from '../../support/fake-tenant.js';
import { runCli } from '../../helpers/cli.js';

const contoso = path.resolve(import.meta.dirname, '../../../examples/contoso');
const PROD = '/subscriptions/9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82';
const SITE = `${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Web/sites/app-contoso-shop`;
const BASTION = `${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Network/bastionHosts/bas-prod`;
const VM = `${PROD}/resourceGroups/rg-prod-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
const STORAGE_KEY_CANARY = 'storage-account-key-canary-55a1';
let tenant: FakeTenant;
let work: string;
let snapshot: string;

const listOf = async (file: string) => (JSON.parse(await readFile(path.join(snapshot, 'azure/arm/9b2f6d1e-5c8a-47e3-a0d4-3f7b1e6c9a82', file), 'utf8')) as { value: Array<Record<string, unknown>> }).value;

beforeAll(async () => {
  const state = await stateFromSnapshot(contoso);
  state.resources.push(
    { id: SITE, name: 'app-contoso-shop', type: 'microsoft.web/sites', location: 'westeurope', subscriptionId: PROD.split('/')[2], resourceGroup: 'rg-prod-web', properties: { publicNetworkAccess: 'Enabled' } },
    { id: BASTION, name: 'bas-prod', type: 'microsoft.network/bastionhosts', location: 'westeurope', subscriptionId: PROD.split('/')[2], resourceGroup: 'rg-prod-web', properties: { enableShareableLink: true } },
  );
  state.webConfigs[SITE.toLowerCase()] = {
    ipSecurityRestrictions: [{ ipAddress: '203.0.113.0/24', action: 'Allow', priority: 100, name: 'office' }],
    azureStorageAccounts: { share: { type: 'AzureFiles', accountName: 'stcontoso', accessKey: STORAGE_KEY_CANARY } },
  };
  state.shareableLinks[BASTION.toLowerCase()] = [{ vmId: VM, createdAt: '2026-11-30T10:00:00Z' }];
  tenant = await startFakeTenant(state, { snapshotDir: contoso });
  for (const [name, value] of Object.entries(tenant.env)) if (name !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(name, value);
  work = await mkdtemp(path.join(os.tmpdir(), 'reachgraph-arm-details-'));
  snapshot = path.join(work, 'snapshot');
  const run = await runCli('collect', 'azure', '--out', snapshot, '--no-entra');
  vi.unstubAllEnvs();
  expect(run.code, run.stdout + run.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await tenant?.close();
  await rm(work, { recursive: true, force: true });
});

describe('ARM details', () => {
  it('keeps scale-set instance NICs and public IPs raw, with the type ARM omits', async () => {
    const nics = await listOf('scale-set-network-interfaces.json');
    expect(nics.length).toBeGreaterThan(0);
    for (const nic of nics) {
      expect(String(nic.id)).toMatch(/\/virtualMachineScaleSets\/[^/]+\/virtualMachines\/\d+\/networkInterfaces\/[^/]+$/i);
      expect(nic.type).toBe('Microsoft.Compute/virtualMachineScaleSets/virtualMachines/networkInterfaces');
      // Raw ARM: properties stay nested, not flattened by the SDK.
      expect(nic.properties).toHaveProperty('ipConfigurations');
    }
    const ips = await listOf('scale-set-public-ip-addresses.json');
    expect(ips.every((ip) => String(ip.type).endsWith('/ipConfigurations/publicIPAddresses'))).toBe(true);
  });

  it('keeps App Service access restrictions and drops fields that hold credentials', async () => {
    const [config] = await listOf('web-config.json');
    expect(config).toMatchObject({ id: expect.stringMatching(/\/sites\/app-contoso-shop\/config\/web$/i), type: 'Microsoft.Web/sites/config' });
    expect((config?.properties as Record<string, unknown>).ipSecurityRestrictions).toEqual([expect.objectContaining({ ipAddress: '203.0.113.0/24', action: 'Allow' })]);
    expect(JSON.stringify(config)).not.toContain(STORAGE_KEY_CANARY);
  });

  it('records which VMs a Bastion shares, never the link', async () => {
    const links = await listOf('bastion-shareable-links.json');
    expect(links).toEqual([
      { id: `${BASTION}/shareableLinks/vm-web-01`, name: 'vm-web-01', type: 'Microsoft.Network/bastionHosts/shareableLinks', properties: { vm: { id: VM }, createdAt: '2026-11-30T10:00:00Z', bastionHost: { id: BASTION } } },
    ]);
    expect(JSON.stringify(links)).not.toMatch(/shareable-url|bsl/);
  });
});
