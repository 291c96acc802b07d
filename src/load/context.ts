import type { EdgeKind, NodeKind } from '../model/kinds.js';
import type { GraphEdge, GraphNode, Properties } from '../model/graph.js';
import { edgeKey } from '../model/graph.js';
import { normalizeId, resourceGroupNameOf, subscriptionIdOf } from '../model/ids.js';
import type { ArmResource } from '../snapshot/arm-resource.js';
import { asObject, objects, propertiesOf, text } from './raw.js';

export interface LoadWarning {
  /** What the warning is about: a resource id, or a file. */
  subject: string;
  message: string;
}

/**
 * What a resource family sees while it transforms raw resources: the whole
 * snapshot (to resolve references both ways) and sinks for nodes, edges and
 * warnings. Families never talk to a store.
 */
export class TransformContext {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  readonly warnings: LoadWarning[] = [];
  private readonly byId = new Map<string, ArmResource>();
  private readonly publicIpByIpConfiguration = new Map<string, string>();
  private ipConfigurationsByPrivateIp: Map<string, { id: string; subnetId: string | null }[]> | undefined;
  private attribution: Properties = {};
  private readonly memos = new Map<string, unknown>();

  constructor(resources: readonly ArmResource[]) {
    for (const resource of resources) {
      const id = normalizeId(resource.id);
      this.byId.set(id, resource);
      if (resource.type.toLowerCase() === 'microsoft.network/publicipaddresses') {
        const ipConfigurationId = text(asObject(asObject(resource.properties)?.ipConfiguration)?.id);
        if (ipConfigurationId) this.publicIpByIpConfiguration.set(normalizeId(ipConfigurationId), id);
      }
    }
  }

  /**
   * Runs a family's work with its nodes and edges stamped `syncFamily` and
   * `syncScope`, so a later ingest can remove exactly what this family wrote
   * in this scope and nothing else.
   */
  within(family: string, scope: string, work: () => void): void {
    this.attribution = { syncFamily: family, syncScope: scope };
    try {
      work();
    } finally {
      this.attribution = {};
    }
  }

  resource(id: string): ArmResource | undefined {
    return this.byId.get(normalizeId(id));
  }

  /** Every resource of the snapshot (the last copy of each id), in input order. */
  allResources(): IterableIterator<ArmResource> {
    return this.byId.values();
  }

  /**
   * A value computed once per transform and shared by every call that asks
   * for the same key: indexes over the snapshot, tallies a family reports on
   * at the end. Families keep no module-level state.
   */
  memo<T>(key: string, create: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, create());
    return this.memos.get(key) as T;
  }

  /** The public IP that names this ip configuration as its owner, for exports where only the IP side links them. */
  publicIpOf(ipConfigurationId: string): string | null {
    return this.publicIpByIpConfiguration.get(ipConfigurationId) ?? null;
  }

  /**
   * NIC ip configurations holding a private address, optionally only those in
   * one virtual network: load balancers and application gateways may name
   * backends by address instead of by ip configuration.
   */
  ipConfigurationsWithPrivateIp(ipAddress: string, virtualNetworkId?: string | null): string[] {
    this.ipConfigurationsByPrivateIp ??= this.indexPrivateIps();
    const matches = this.ipConfigurationsByPrivateIp.get(ipAddress) ?? [];
    return matches
      .filter((match) => !virtualNetworkId || match.subnetId?.startsWith(`${virtualNetworkId}/subnets/`))
      .map((match) => match.id);
  }

  private indexPrivateIps(): Map<string, { id: string; subnetId: string | null }[]> {
    const index = new Map<string, { id: string; subnetId: string | null }[]>();
    for (const [nicId, resource] of this.byId) {
      if (resource.type.toLowerCase() !== 'microsoft.network/networkinterfaces') continue;
      for (const config of objects(asObject(resource.properties)?.ipConfigurations)) {
        const properties = propertiesOf(config);
        const ip = text(properties.privateIPAddress);
        if (!ip) continue;
        const id = normalizeId(text(config.id) ?? `${nicId}/ipconfigurations/${text(config.name) ?? 'ipconfig'}`);
        const subnetId = text(asObject(properties.subnet)?.id);
        const list = index.get(ip) ?? [];
        list.push({ id, subnetId: subnetId ? normalizeId(subnetId) : null });
        index.set(ip, list);
      }
    }
    return index;
  }

  /** Adds a node for an ARM resource with the properties every Azure node carries. */
  addResourceNode(resource: ArmResource, kind: NodeKind, properties: Properties): string {
    const id = normalizeId(resource.id);
    this.nodes.set(id, {
      id,
      kind,
      properties: { ...baseProperties(resource), ...properties, ...this.attribution },
    });
    return id;
  }

  addNode(node: GraphNode): void {
    this.nodes.set(node.id, { ...node, properties: { ...node.properties, ...this.attribution } });
  }

  addEdge(source: string, kind: EdgeKind, target: string, properties: Properties = {}): void {
    const edge = { source, kind, target, properties: { ...properties, ...this.attribution } };
    const key = edgeKey(edge);
    const existing = this.edges.get(key);
    this.edges.set(key, existing ? { ...edge, properties: { ...existing.properties, ...properties } } : edge);
  }

  warn(subject: string, message: string): void {
    this.warnings.push({ subject, message });
  }
}

function tagList(tags: unknown): string[] {
  const object = asObject(tags);
  if (!object) return [];
  return Object.entries(object)
    .map(([key, value]) => `${key}=${text(value) ?? ''}`)
    .sort();
}

function baseProperties(resource: ArmResource): Properties {
  return {
    name: resource.name ?? resource.id.split('/').pop() ?? resource.id,
    armType: resource.type.toLowerCase(),
    location: resource.location ?? null,
    subscriptionId: (resource.subscriptionId ?? subscriptionIdOf(resource.id) ?? null)?.toLowerCase() ?? null,
    resourceGroup: (resource.resourceGroup ?? resourceGroupNameOf(resource.id) ?? null)?.toLowerCase() ?? null,
    tags: tagList(resource.tags),
  };
}
