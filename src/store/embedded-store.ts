import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MultiDirectedGraph } from 'graphology';
import type { SerializedGraph } from 'graphology-types';
import { edgeKey, type GraphBatch, type GraphEdge, type GraphNode, type Properties } from '../model/graph.js';
import type { EdgeKind, NodeKind } from '../model/kinds.js';
import { type GraphStore, type Neighbour, StoreError } from './graph-store.js';

export const DEFAULT_STORE_FILE = path.join('.reachgraph', 'graph.json');

interface NodeAttributes {
  kind: NodeKind;
  properties: Properties;
}
interface EdgeAttributes {
  kind: EdgeKind;
  properties: Properties;
}
type StoreGraph = MultiDirectedGraph<NodeAttributes, EdgeAttributes>;

const FORMAT = 'reachgraph-embedded-graph';
const FORMAT_VERSION = 1;

/** The in-process store: a graphology multigraph, persisted as one JSON file. */
export class EmbeddedStore implements GraphStore {
  private pendingFlush: Promise<void> = Promise.resolve();
  private flushes = 0;

  private constructor(
    private readonly graph: StoreGraph,
    private readonly file: string | null,
  ) {}

  get location(): string {
    return this.file ?? 'memory';
  }

  /** A store that lives only as long as the process (analysing a snapshot directly). */
  static inMemory(): EmbeddedStore {
    return new EmbeddedStore(newGraph(), null);
  }

  /** Opens the store file, or starts an empty graph when it does not exist yet. */
  static async open(file: string = DEFAULT_STORE_FILE): Promise<EmbeddedStore> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new EmbeddedStore(newGraph(), file);
      throw new StoreError(`Cannot read the graph store ${file}: ${(error as Error).message}`);
    }
    let document: { format?: unknown; version?: unknown; graph?: SerializedGraph<NodeAttributes, EdgeAttributes> } | null;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new StoreError(
        `The graph store ${file} is not valid JSON (${(error as Error).message}). ` +
          `Move it aside and run "reachgraph ingest <snapshot>" again to rebuild it.`,
      );
    }
    if (document?.format !== FORMAT || document.version !== FORMAT_VERSION || !document.graph) {
      throw new StoreError(
        `${file} is not a reachgraph graph store (format ${FORMAT} v${FORMAT_VERSION}). ` +
          `Point --store at a store file, or rebuild it with "reachgraph ingest <snapshot>".`,
      );
    }
    const graph = newGraph();
    try {
      graph.import(document.graph);
    } catch (error) {
      throw new StoreError(
        `The graph store ${file} is damaged (${(error as Error).message}). ` +
          `Move it aside and run "reachgraph ingest <snapshot>" again to rebuild it.`,
      );
    }
    return new EmbeddedStore(graph, file);
  }

  async upsertNodes(nodes: readonly GraphNode[]): Promise<void> {
    for (const node of nodes) {
      const attributes = { kind: node.kind, properties: { ...node.properties } };
      if (this.graph.hasNode(node.id)) this.graph.replaceNodeAttributes(node.id, attributes);
      else this.graph.addNode(node.id, attributes);
    }
  }

  async upsertEdges(edges: readonly GraphEdge[]): Promise<void> {
    for (const edge of edges) {
      for (const end of [edge.source, edge.target]) {
        if (!this.graph.hasNode(end)) {
          throw new StoreError(`Cannot add ${edge.kind} edge ${edge.source} → ${edge.target}: node ${end} does not exist.`);
        }
      }
    }
    for (const edge of edges) {
      this.graph.mergeDirectedEdgeWithKey(edgeKey(edge), edge.source, edge.target, {
        kind: edge.kind,
        properties: { ...edge.properties },
      });
    }
  }

  async getNode(id: string): Promise<GraphNode | undefined> {
    return this.graph.hasNode(id) ? this.nodeOf(id) : undefined;
  }

  async neighbours(id: string, kinds?: readonly EdgeKind[]): Promise<Neighbour[]> {
    if (!this.graph.hasNode(id)) return [];
    const result: Neighbour[] = [];
    this.graph.forEachEdge(id, (_key, attributes, source, target) => {
      if (kinds && !kinds.includes(attributes.kind)) return;
      const outgoing = source === id;
      result.push({
        direction: outgoing ? 'out' : 'in',
        edge: { source, target, kind: attributes.kind, properties: attributes.properties },
        node: this.nodeOf(outgoing ? target : source),
      });
    });
    return result;
  }

  async readGraph(): Promise<GraphBatch> {
    const nodes: GraphNode[] = this.graph.mapNodes((id, attributes) => ({ id, kind: attributes.kind, properties: attributes.properties }));
    const edges: GraphEdge[] = this.graph.mapEdges((_key, attributes, source, target) => ({
      source,
      target,
      kind: attributes.kind,
      properties: attributes.properties,
    }));
    return { nodes, edges };
  }

  async countNodesByKind(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    this.graph.forEachNode((_id, attributes) => {
      counts[attributes.kind] = (counts[attributes.kind] ?? 0) + 1;
    });
    return counts;
  }

  /**
   * Writes to a temporary file first so a crash never leaves a half-written
   * store; flushes are serialised so the last one always wins.
   */
  flush(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const write = async () => {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      const temporary = `${file}.${process.pid}.${(this.flushes += 1)}.tmp`;
      const document = { format: FORMAT, version: FORMAT_VERSION, graph: this.graph.export() };
      await writeFile(temporary, JSON.stringify(document));
      await rename(temporary, file);
    };
    this.pendingFlush = this.pendingFlush.then(write, write);
    return this.pendingFlush;
  }

  async close(): Promise<void> {}

  private nodeOf(id: string): GraphNode {
    const attributes = this.graph.getNodeAttributes(id);
    return { id, kind: attributes.kind, properties: attributes.properties };
  }
}

function newGraph(): StoreGraph {
  return new MultiDirectedGraph<NodeAttributes, EdgeAttributes>({ allowSelfLoops: true });
}
