import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigFile } from '../../../src/collect/connection/config-file.js';
import { scratchFolder } from '../../helpers/scratch.js';

const scratch = scratchFolder();
let written = 0;

async function config(text: string): Promise<string> {
  written += 1;
  await scratch.put(`reachgraph-${written}.yaml`, text);
  return path.join(scratch.root, `reachgraph-${written}.yaml`);
}

describe('readConfigFile', () => {
  it('reads several connections with where their secrets come from', async () => {
    const file = await config(`connections:
  - name: contoso
    tenantId: t1
    clientId: c1
    clientSecretFile: /run/secrets/contoso
    subscriptions: { exclude: [sandbox] }
  - name: fabrikam
    clientSecretEnv: FABRIKAM_SECRET
    cloud: AzureUSGovernment
`);
    const entries = await readConfigFile(file);
    expect(entries.map((entry) => entry.name)).toEqual(['contoso', 'fabrikam']);
    expect(entries[0]).toMatchObject({ clientSecretFile: '/run/secrets/contoso', subscriptions: { include: [], exclude: ['sandbox'] }, clusters: { include: [], exclude: [] } });
    expect(entries[1]).toMatchObject({ clientSecretEnv: 'FABRIKAM_SECRET', cloud: 'AzureUSGovernment' });
  });

  it('refuses a secret written into the file, unknown keys and duplicate names', async () => {
    await expect(readConfigFile(await config('connections:\n  - name: a\n    clientSecret: s3cr3t-value\n'))).rejects.toThrow(/holds a "clientSecret" key: never put a secret in the configuration/);
    await expect(readConfigFile(await config('connections:\n  - name: a\n    tenant: x\n'))).rejects.toThrow(/Unrecognized key/);
    await expect(readConfigFile(await config('connections:\n  - name: a\n  - name: a\n'))).rejects.toThrow(/two connections are named a/);
  });
});
