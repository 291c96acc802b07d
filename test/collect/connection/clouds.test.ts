import { describe, expect, it } from 'vitest';
import { EndpointError, resolveEndpoints } from '../../../src/collect/connection/clouds.js';

describe('resolveEndpoints', () => {
  it('picks each cloud\'s login, ARM and Graph endpoints', () => {
    expect(resolveEndpoints({}, {})).toMatchObject({ cloud: 'AzurePublicCloud', authorityHost: 'https://login.microsoftonline.com', resourceManager: 'https://management.azure.com', graph: 'https://graph.microsoft.com', customAuthority: false });
    expect(resolveEndpoints({ cloud: 'azurechinacloud' }, {})).toMatchObject({ authorityHost: 'https://login.chinacloudapi.cn', resourceManager: 'https://management.chinacloudapi.cn', graph: 'https://microsoftgraph.chinacloudapi.cn' });
    expect(resolveEndpoints({}, { AZURE_CLOUD: 'AzureUSGovernment' })).toMatchObject({ authorityHost: 'https://login.microsoftonline.us', resourceManager: 'https://management.usgovcloudapi.net', graph: 'https://graph.microsoft.us' });
  });

  it('takes custom endpoints from the SDK variable, flags and environment, flags first', () => {
    const endpoints = resolveEndpoints(
      { armEndpoint: 'https://127.0.0.1:9443/' },
      { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9000', REACHGRAPH_ARM_ENDPOINT: 'https://ignored.example', REACHGRAPH_GRAPH_ENDPOINT: 'https://127.0.0.1:9001' },
    );
    expect(endpoints).toMatchObject({ authorityHost: 'https://127.0.0.1:9000', resourceManager: 'https://127.0.0.1:9443', graph: 'https://127.0.0.1:9001', customAuthority: true });
  });

  it('refuses an unknown cloud and plain HTTP with the fix', () => {
    expect(() => resolveEndpoints({ cloud: 'AzureGermanCloud' }, {})).toThrow(/unknown cloud "AzureGermanCloud": use one of AzurePublicCloud/);
    expect(() => resolveEndpoints({ armEndpoint: 'http://127.0.0.1:1' }, {})).toThrow(EndpointError);
    expect(() => resolveEndpoints({}, { AZURE_AUTHORITY_HOST: 'not a url' })).toThrow(/AZURE_AUTHORITY_HOST "not a url" is not a URL/);
  });
});
