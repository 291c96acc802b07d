/**
 * The Azure clouds reachgraph can connect to, and how their endpoints are
 * chosen: `--cloud` picks a known cloud; AZURE_AUTHORITY_HOST (the Azure SDK's
 * own variable), `--arm-endpoint` / REACHGRAPH_ARM_ENDPOINT and
 * `--graph-endpoint` / REACHGRAPH_GRAPH_ENDPOINT override single endpoints
 * (Azure Stack, private test doubles).
 */
export const CLOUD_NAMES = ['AzurePublicCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  cloud: CloudName;
  /** The Entra ID login endpoint (authority host), no trailing slash. */
  authorityHost: string;
  /** Azure Resource Manager, no trailing slash; its token scope is `<arm>/.default`. */
  resourceManager: string;
  /** Microsoft Graph, no trailing slash; its token scope is `<graph>/.default`. */
  graph: string;
  /** True when the authority host is not the cloud's own: MSAL must not ask the public cloud's instance discovery about it. */
  customAuthority: boolean;
}

const KNOWN: Record<CloudName, Omit<CloudEndpoints, 'customAuthority'>> = {
  AzurePublicCloud: { cloud: 'AzurePublicCloud', authorityHost: 'https://login.microsoftonline.com', resourceManager: 'https://management.azure.com', graph: 'https://graph.microsoft.com' },
  AzureChinaCloud: { cloud: 'AzureChinaCloud', authorityHost: 'https://login.chinacloudapi.cn', resourceManager: 'https://management.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' },
  AzureUSGovernment: { cloud: 'AzureUSGovernment', authorityHost: 'https://login.microsoftonline.us', resourceManager: 'https://management.usgovcloudapi.net', graph: 'https://graph.microsoft.us' },
};

/** The application id of the AKS Entra ID server application: the audience of tokens for Entra-integrated clusters' API servers. */
export const AKS_SERVER_APPLICATION_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

export class EndpointError extends Error {
  override readonly name = 'EndpointError';
}

function parseCloud(value: string): CloudName {
  const found = CLOUD_NAMES.find((name) => name.toLowerCase() === value.trim().toLowerCase());
  if (!found) throw new EndpointError(`unknown cloud "${value}": use one of ${CLOUD_NAMES.join(', ')}`);
  return found;
}

function endpoint(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new EndpointError(`${what} "${value}" is not a URL: give https://host[:port]`);
  }
  if (url.protocol !== 'https:') throw new EndpointError(`${what} "${value}" must use https: Azure endpoints are never reached over plain HTTP`);
  return url.toString().replace(/\/+$/, '');
}

export interface EndpointOptions {
  cloud?: string;
  armEndpoint?: string;
  graphEndpoint?: string;
}

/** The endpoints for a connection: the cloud's, with each override from options or the environment applied. */
export function resolveEndpoints(options: EndpointOptions, env: NodeJS.ProcessEnv = process.env): CloudEndpoints {
  const base = KNOWN[parseCloud(options.cloud ?? env.AZURE_CLOUD ?? 'AzurePublicCloud')];
  const authority = env.AZURE_AUTHORITY_HOST?.trim();
  const authorityHost = authority ? endpoint(authority, 'AZURE_AUTHORITY_HOST') : base.authorityHost;
  const arm = options.armEndpoint ?? env.REACHGRAPH_ARM_ENDPOINT;
  const graph = options.graphEndpoint ?? env.REACHGRAPH_GRAPH_ENDPOINT;
  return {
    cloud: base.cloud,
    authorityHost,
    resourceManager: arm ? endpoint(arm, 'the ARM endpoint') : base.resourceManager,
    graph: graph ? endpoint(graph, 'the Microsoft Graph endpoint') : base.graph,
    customAuthority: authorityHost !== base.authorityHost,
  };
}

/** The `.default` scope of a resource endpoint. */
export const defaultScope = (resource: string): string => `${resource.replace(/\/+$/, '')}/.default`;
