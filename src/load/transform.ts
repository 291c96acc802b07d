import type { GraphBatch } from '../model/graph.js';
import { INTERNET_ID } from '../model/ids.js';
import type { NodeKind } from '../model/kinds.js';
import type { ArmResource } from '../snapshot/arm-resource.js';
import { type LoadWarning, TransformContext } from './context.js';
import { AZURE_FAMILIES, type ResourceFamily } from './families/index.js';
import { linkContainers } from './families/resource-containers.js';

export interface TransformResult {
  graph: GraphBatch;
  nodesByKind: Partial<Record<NodeKind, number>>;
  /** ARM types without a family, with how many resources of each became generic assets. */
  unknownTypes: Record<string, number>;
  /** References to resources the snapshot does not contain; their edges are left out. */
  danglingReferences: number;
  warnings: LoadWarning[];
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
    if (family) {
      family.transform(resource, context);
    } else {
      unknownTypes[type] = (unknownTypes[type] ?? 0) + 1;
      context.addResourceNode(resource, 'AzureResource', {
        sku: typeof resource.sku?.name === 'string' ? resource.sku.name : null,
        kindHint: typeof resource.kind === 'string' ? resource.kind : null,
      });
    }
  }
  linkContainers(resources, context);

  const edges = [];
  let danglingReferences = 0;
  for (const edge of context.edges.values()) {
    if (context.nodes.has(edge.source) && context.nodes.has(edge.target)) {
      edges.push(edge);
      continue;
    }
    danglingReferences += 1;
    const missing = context.nodes.has(edge.source) ? edge.target : edge.source;
    context.warn(missing, `referenced by a ${edge.kind} edge but not in the snapshot; the edge was left out`);
  }

  const nodes = [...context.nodes.values()];
  const nodesByKind: Partial<Record<NodeKind, number>> = {};
  for (const node of nodes) nodesByKind[node.kind] = (nodesByKind[node.kind] ?? 0) + 1;
  return { graph: { nodes, edges }, nodesByKind, unknownTypes, danglingReferences, warnings: context.warnings };
}
