/**
 * Internet exposure of every workload: which ports the internet reaches, how
 * wide the admitted sources are, and the shortest path from `internet`.
 */
import { DirectedGraph } from 'graphology';
import { singleSource } from 'graphology-shortest-path/unweighted.js';
import type { GraphBatch } from '../model/graph.js';
import { INTERNET_ID } from '../model/ids.js';
import type { NodeKind } from '../model/kinds.js';
import { reachThroughKubernetes } from './kubernetes/index.js';
import { buildNetworkView } from './network-view.js';
import { PROTOCOLS, type Protocol } from './nsg.js';
import { mergeRanges, type PortRange } from './ports.js';
import { BackendIndex, reachThroughApplicationGateways, reachThroughLoadBalancers } from './reach-forwarders.js';
import { type EntryPoint, type Reach, reachThroughNicPublicIps, reachThroughScaleSetPublicIps, type Width } from './reach.js';

export interface ExposedPort extends PortRange {
  protocol: Protocol;
}

export interface ExposedAsset {
  id: string;
  kind: NodeKind;
  width: Width;
  ports: ExposedPort[];
  /** Node ids from `internet` to the asset, shortest first-found. */
  path: string[];
  name: string;
  /** Every way in: the public IP, forwarder, client ports and the NSG rules that admitted it. */
  entryPoints: Array<EntryPoint & { ports: Array<ExposedPort & { width: Width }>; width: Width }>;
}

export interface ExposureReport {
  assets: ExposedAsset[];
}

export interface ExposureResult {
  report: ExposureReport;
  /** Every reach found, for callers that write derived edges back. */
  reaches: Reach[];
  /** The derived reachability graph: internet → public IPs → forwarders → NICs → workloads. */
  reachability: DirectedGraph;
}

export function mergePorts(ports: readonly ExposedPort[]): ExposedPort[] {
  return PROTOCOLS.flatMap((protocol) =>
    mergeRanges(ports.filter((port) => port.protocol === protocol)).map((range) => ({ protocol, from: range.from, to: range.to })),
  );
}

function entryKey(entry: EntryPoint): string {
  return [entry.type, entry.publicIpId, entry.forwarder, entry.frontendPorts?.from, entry.frontendPorts?.to].join('|');
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * The shortest path from the internet, when it is a way the traffic really
 * takes; otherwise the asset's shortest own path. Forwarders shared by several
 * frontends (AKS puts every service on one `kubernetes` load balancer) would
 * otherwise splice one public IP onto another frontend's route.
 */
function pathFor(shortest: string[] | undefined, reaches: readonly Reach[]): string[] {
  if (shortest && reaches.some((reach) => reach.path.length === shortest.length && reach.path.every((hop, i) => hop === shortest[i]))) return shortest;
  return reaches.reduce((best, reach) => (reach.path.length < best.length ? reach.path : best), reaches[0]!.path);
}

export function computeExposure(graph: GraphBatch): ExposureResult {
  const view = buildNetworkView(graph);
  const index = new BackendIndex(view);
  const reaches = [
    ...reachThroughNicPublicIps(view),
    ...reachThroughScaleSetPublicIps(view),
    ...reachThroughLoadBalancers(view, index),
    ...reachThroughApplicationGateways(view, index),
    ...reachThroughKubernetes(graph, view),
  ];

  const reachability = new DirectedGraph();
  reachability.addNode(INTERNET_ID);
  for (const reach of reaches) {
    for (let hop = 1; hop < reach.path.length; hop += 1) {
      reachability.mergeEdge(reach.path[hop - 1], reach.path[hop]);
    }
  }
  const paths = singleSource(reachability, INTERNET_ID);

  const byAsset = new Map<string, Reach[]>();
  for (const reach of reaches) {
    const list = byAsset.get(reach.assetId) ?? [];
    list.push(reach);
    byAsset.set(reach.assetId, list);
  }

  const assets: ExposedAsset[] = [];
  for (const [assetId, assetReaches] of byAsset) {
    const node = view.nodes.get(assetId);
    const entries = new Map<string, { entry: EntryPoint; reaches: Reach[] }>();
    for (const reach of assetReaches) {
      const key = entryKey(reach.entry);
      const group = entries.get(key) ?? { entry: reach.entry, reaches: [] };
      group.reaches.push(reach);
      entries.set(key, group);
    }
    assets.push({
      id: assetId,
      kind: node?.kind ?? 'AzureResource',
      width: assetReaches.some((reach) => reach.width === 'wide') ? 'wide' : 'narrow',
      ports: mergePorts(assetReaches),
      path: pathFor(paths[assetId], assetReaches),
      name: typeof node?.properties.name === 'string' ? node.properties.name : assetId,
      entryPoints: [...entries.values()].map(({ entry, reaches: group }) => ({
        ...entry,
        decidedBy: unique(group.flatMap((reach) => reach.entry.decidedBy)),
        sources: unique(group.flatMap((reach) => reach.entry.sources)),
        width: group.some((reach) => reach.width === 'wide') ? 'wide' : 'narrow',
        ports: (['wide', 'narrow'] as const)
          .flatMap((width) => mergePorts(group.filter((reach) => reach.width === width)).map((port) => ({ ...port, width })))
          .sort((a, b) => PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol) || a.from - b.from),
      })),
    });
  }
  assets.sort((a, b) => a.id.localeCompare(b.id));
  return { report: { assets }, reaches, reachability };
}
