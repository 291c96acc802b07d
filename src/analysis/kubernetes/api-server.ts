/**
 * The AKS API server: a private cluster's is not on the internet; a public
 * one answers on TCP 443 to everyone, or only to its authorized IP ranges
 * (narrow, unless one of them is 0.0.0.0/0 or ::/0; nothing when they are all
 * private addresses).
 */
import { INTERNET_ID } from '../../model/ids.js';
import type { Reach } from '../reach.js';
import { ANY_CLIENT, clientsFromPrefixes, isEmptyClientSet } from './client-sets.js';
import type { KubernetesView } from './view.js';

export const API_SERVER_PORT = 443;

export function reachApiServers(view: KubernetesView): Reach[] {
  const reaches: Reach[] = [];
  for (const cluster of view.clusters.values()) {
    if (cluster.privateCluster) continue;
    const clients = cluster.authorizedIpRanges.length > 0 ? clientsFromPrefixes(cluster.authorizedIpRanges) : ANY_CLIENT;
    if (isEmptyClientSet(clients)) continue;
    reaches.push({
      assetId: cluster.id,
      protocol: 'tcp',
      from: API_SERVER_PORT,
      to: API_SERVER_PORT,
      width: clients.wide ? 'wide' : 'narrow',
      path: [INTERNET_ID, cluster.id],
      entry: {
        type: 'api-server',
        publicIpId: null,
        address: cluster.apiServerFqdn,
        forwarder: null,
        frontendPorts: null,
        decidedBy: cluster.authorizedIpRanges.length > 0 ? ['authorizedIpRanges'] : [],
        sources: clients.names,
      },
    });
  }
  return reaches;
}
