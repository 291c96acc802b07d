import path from 'node:path';
import { createServer } from 'node:net';
import { it, vi } from 'vitest';
import { stateFromSnapshot } from '../support/fake-azure/index.js';
import { startFakeTenant } from '../support/fake-tenant.js';
import { runCli } from '../helpers/cli.js';
const contoso = path.resolve(import.meta.dirname, '../../examples/contoso');
it('probe', async () => {
  const tenant = await startFakeTenant(await stateFromSnapshot(contoso), { snapshotDir: contoso });
  const run = async (over: Record<string,string>) => {
    vi.unstubAllEnvs();
    for (const [n, v] of Object.entries({...tenant.env, ...over})) if (n !== 'NODE_EXTRA_CA_CERTS') vi.stubEnv(n, v);
    const t = Date.now();
    const r = await runCli('azure', 'check', '--json');
    console.info(Date.now()-t, 'ms', r.code, JSON.stringify(r.stdout.slice(0,300)), r.stderr);
  };
  await run({AZURE_CLIENT_SECRET: 'f3c1b2a4-1111-2222-3333-444455556666'});
  tenant.azure.state.app.secrets[0]!.expired = true;
  await run({});
  tenant.azure.state.app.secrets[0]!.expired = false;
  await run({AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555'});
  await run({AZURE_TENANT_ID: '11111111-2222-3333-4444-555555555555'});
  const s = createServer(); await new Promise<void>(r => s.listen(0, '127.0.0.1', r)); const port = (s.address() as any).port; await new Promise(r => s.close(r));
  await run({AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}`});
  await tenant.close();
}, 120000);
