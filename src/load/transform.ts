import type { GraphBatch, GraphEdge, GraphNode } from '../model/graph.js';
import { INTERNET_ID, subscriptionIdOf, subscriptionNodeId } from '../model/ids.js';
import type { NodeKind } from '../model/kinds.js';
import type { ArmResource } from '../snapshot/arm-resource.js';
import { type LoadWarning, TransformContext } from './context.js';
import { AZURE_FAMILIES, type ResourceFamily } from './families/index.js';
import { transformIdentityBlock } from './families/identities.js';
import { linkContainers } from './families/resource-containers.js';

export interface TransformResult {
  /** Every node and edge, including edges to resources this snapshot does not hold (a store may have them). */
  graph: GraphBatch;
  /** The edges of `graph` with an end outside the snapshot. */
  danglingEdges: GraphEdge[];
  nodesByKind: Partial<Record<NodeKind, number>>;
  /** ARM types without a family, with how many resources of each became generic assets. */
  unknownTypes: Record<string, number>;
  warnings: LoadWarning[];
}

/** The family of resources reachgraph keeps as generic assets (listed in ALL_FAMILY_KEYS). */
const GENERIC_FAMILY = 'genericResources';

/** What an ingest may clean up together: one subscription (tenant-level resources share one scope). */
export function syncScopeOf(armId: string): string {
  const subscription = subscriptionIdOf(armId);
  return subscription ? subscriptionNodeId(subscription) : 'tenant';
}

const familyByType = new Map<string, ResourceFamily>(
  AZURE_FAMILIES.flatMap((family) => family.armTypes.map((type) => [type, family] as const)),
);

/** Turns ARM resources into graph nodes and edges; pure, no store involved. */
export function transformAzureResources(resources: readonly ArmResource[]): TransformResult {
  const context = new TransformContext(resources);
  const unknownTypes: Record<string, number> = {};
  context.addNode({ id: INTERNET_ID, kind: 'Internet', properties: { name: 'Internet' } });

  for (const resource of resources) {
    const type = resource.type.toLowerCase();
    const family = familyByType.get(type);
    const scope = syncScopeOf(resource.id);
    // A resource's identity block (system-assigned identity, identities it uses) belongs to the resource's own family.
    if (family) {
      context.within(family.key, scope, () => {
        family.transform(resource, context);
        transformIdentityBlock(resource, context);
      });
    } else {
      unknownTypes[type] = (unknownTypes[type] ?? 0) + 1;
      context.within(GENERIC_FAMILY, scope, () => {
        context.addResourceNode(resource, 'AzureResource', {
          sku: typeof resource.sku?.name === 'string' ? resource.sku.name : null,
          kindHint: typeof resource.kind === 'string' ? resource.kind : null,
        });
        transformIdentityBlock(resource, context);
      });
    }
  }
  for (const family of AZURE_FAMILIES) family.finish?.(context);
  linkContainers(resources, context);

  const edges = [...context.edges.values()];
  const danglingEdges = edges.filter((edge) => !context.nodes.has(edge.source) || !context.nodes.has(edge.target));

  const nodes = [...context.nodes.values()];
  return { graph: { nodes, edges }, danglingEdges, nodesByKind: countByKind(nodes), unknownTypes, warnings: context.warnings };
}

export function countByKind(nodes: readonly GraphNode[]): Partial<Record<NodeKind, number>> {
  const counts: Partial<Record<NodeKind, number>> = {};
  for (const node of nodes) counts[node.kind] = (counts[node.kind] ?? 0) + 1;
  return counts;
}
