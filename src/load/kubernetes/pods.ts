/**
 * Pods: their containers and security settings, the node they run on, the
 * service account they run as, the workload that owns them, and the image
 * digest each container runs (ContainerImage nodes).
 */
import type { Properties } from '../../model/graph.js';
import { containerImageId } from '../../model/ids.js';
import { objects, text } from '../raw.js';
import type { KubernetesFamily } from './family.js';
import { readPodSpec } from './pod-spec.js';

export const kubernetesPods: KubernetesFamily = {
  key: 'kubernetesPods',
  name: 'Kubernetes pods',
  kinds: ['Pod'],
  transform(object, cluster, context) {
    const reading = readPodSpec(object.spec, object.status, object.namespace, cluster);
    const top = cluster.topOwner(object);
    const podIPs = [
      ...new Set([text(object.status.podIP), ...objects(object.status.podIPs).map((item) => text(item.ip))].filter((ip): ip is string => ip !== null)),
    ];
    const nodeName = text(object.spec.nodeName);
    const id = cluster.linkObject(object, context);
    context.addNode({
      id,
      kind: 'KubernetesPod',
      properties: {
        ...cluster.baseProperties(object),
        labels: JSON.stringify(object.labels),
        phase: text(object.status.phase),
        nodeName,
        ...reading.properties,
        ownerWorkloadId: top ? cluster.idOf(top) : null,
        podIPs,
      },
    });

    if (nodeName) {
      if (cluster.get('Node', null, nodeName)) context.addEdge(id, 'RUNS_ON', cluster.idFor('Node', null, nodeName));
      else cluster.noteMissing('Node');
    }
    const account = String(reading.properties.serviceAccountName);
    if (cluster.get('ServiceAccount', object.namespace, account)) context.addEdge(id, 'RUNS_AS', cluster.idFor('ServiceAccount', object.namespace, account));
    else cluster.noteMissing('ServiceAccount');

    for (const { record, runningRegistry, runningRepository } of reading.containers) {
      if (!record.runningDigest) continue;
      const imageId = containerImageId(runningRegistry, runningRepository, record.runningDigest);
      const sameRepository = runningRegistry === record.registry && runningRepository === record.repository;
      const existing = context.nodes.get(imageId);
      const tags = new Set(Array.isArray(existing?.properties.tags) ? (existing.properties.tags as string[]) : []);
      if (record.tag && sameRepository) tags.add(record.tag);
      const imageOnly = record.runningDigestSource === 'image-id' && (existing ? existing.properties.digestIsImageId === true : true);
      context.addNode({
        id: imageId,
        kind: 'ContainerImage',
        properties: {
          name: `${runningRegistry}/${runningRepository}@${record.runningDigest}`,
          registry: runningRegistry,
          repository: runningRepository,
          digest: record.runningDigest,
          tags: [...tags].sort(),
          // The digest is a local image id, not a registry manifest digest (ContainerRecord.runningDigestSource).
          digestIsImageId: imageOnly,
        },
      });
      const previous = context.edges.get(`${id}|RUNS_IMAGE|${imageId}`)?.properties.container;
      const edge: Properties = {
        container: typeof previous === 'string' ? `${previous},${record.name}` : record.name,
        imageRef: record.image,
        tag: record.tag,
        digestPinned: record.specDigest !== null,
        digestSource: record.runningDigestSource,
        // The spec pins one digest and another runs.
        digestDrift: record.specDigest !== null && record.runningDigestSource === 'repository' && record.specDigest !== record.runningDigest,
        init: record.init,
      };
      context.addEdge(id, 'RUNS_IMAGE', imageId, edge);
    }
  },
};
