/**
 * A local fake of Microsoft Entra ID (login) and Azure Resource Manager
 * (with Resource Graph) for the live connector's tests: two HTTPS servers on
 * 127.0.0.1 speaking the services' documented wire protocol, so the real SDK
 * clients run against them unchanged.
 *
 *   const azure = await startFakeAzure(await stateFromSnapshot('examples/contoso'));
 *   new ClientSecretCredential(azure.state.tenant.id, azure.state.app.clientId, DEFAULT_CLIENT_SECRET,
 *     { authorityHost: azure.loginUrl, disableInstanceDiscovery: true });
 *   new ResourceGraphClient(credential, { endpoint: azure.armUrl, credentials: { scopes: [`${azure.armUrl}/.default`] } });
 *
 * The state stays live: change it between requests to inject faults.
 */
import { startHttpsServer, trustTestCertificate } from '../https-server.js';
import { armServer } from './arm.js';
import { loginServer } from './login.js';
import { resourceGraphService } from './resource-graph.js';
import type { FakeAzureState } from './state.js';

export interface RunningFakeAzure {
  /** The authority host (AZURE_AUTHORITY_HOST), `https://127.0.0.1:<port>`. */
  loginUrl: string;
  /** The ARM endpoint; tokens for it are asked with the scope `<armUrl>/.default`. */
  armUrl: string;
  state: FakeAzureState;
  /** Requests served by both servers, `METHOD path` (no query), login first on ties. */
  readonly requests: string[];
  /** Access tokens issued so far. */
  readonly tokensIssued: number;
  close(): Promise<void>;
}

export async function startFakeAzure(state: FakeAzureState): Promise<RunningFakeAzure> {
  trustTestCertificate();
  let loginUrl = '';
  let armUrl = '';
  const urls = { login: () => loginUrl, arm: () => armUrl };
  const requests: string[] = [];
  const login = loginServer(state, urls);
  const arm = armServer(state, urls, resourceGraphService(state));
  const loginHttp = await startHttpsServer((request, response, body) => {
    requests.push(`${request.method} ${(request.url ?? '/').split('?')[0]}`);
    login.handle(request, response, body);
  });
  const armHttp = await startHttpsServer((request, response, body) => {
    requests.push(`${request.method} ${(request.url ?? '/').split('?')[0]}`);
    arm.handle(request, response, body);
  });
  loginUrl = loginHttp.url;
  armUrl = armHttp.url;
  return {
    loginUrl,
    armUrl,
    state,
    requests,
    get tokensIssued() {
      return login.tokensIssued;
    },
    close: async () => {
      await Promise.all([loginHttp.close(), armHttp.close()]);
    },
  };
}

export { aksKubeconfig, defaultKubeconfig, type KubeconfigOptions } from './aks.js';
export { DEFAULT_CLIENT_SECRET, DEFAULT_GRAPH_ROLES } from './defaults.js';
export { stateFromSnapshot } from './from-snapshot.js';
export { BUILT_IN_ROLES, prerequisiteRoles, reachgraphCustomRole } from './roles.js';
export { deriveScaleSetNetwork } from './scale-sets.js';
export * from './state.js';
export { syntheticState } from './synthetic.js';
export { type AccessTokenClaims, readAccessToken } from './tokens.js';
