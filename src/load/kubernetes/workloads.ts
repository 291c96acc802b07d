/**
 * Deployments, replica sets, stateful sets, daemon sets, jobs and cron jobs:
 * KubernetesWorkload nodes read from their pod templates, with OWNS edges
 * along owner references (deployment → replica set, cron job → job).
 */
import { integer, text } from '../raw.js';
import { podTemplateOf } from './cluster.js';
import type { KubernetesFamily } from './family.js';
import { readPodSpec } from './pod-spec.js';
import { labelSelector, stringMap } from './selectors.js';

export const kubernetesWorkloads: KubernetesFamily = {
  key: 'kubernetesWorkloads',
  name: 'Kubernetes workloads',
  kinds: ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  transform(object, cluster, context) {
    const template = podTemplateOf(object);
    const reading = readPodSpec(template.spec, null, object.namespace, cluster);
    const selector = object.kind === 'CronJob' ? (object.spec.jobTemplate as { spec?: { selector?: unknown } } | undefined)?.spec?.selector : object.spec.selector;
    const replicas =
      object.kind === 'DaemonSet'
        ? integer(object.status.desiredNumberScheduled)
        : object.kind === 'CronJob'
          ? null
          : object.kind === 'Job'
            ? (integer(object.spec.parallelism) ?? 1)
            : (integer(object.spec.replicas) ?? 1);
    const top = cluster.topOwner(object);
    context.addNode({
      id: cluster.linkObject(object, context),
      kind: 'KubernetesWorkload',
      properties: {
        ...cluster.baseProperties(object),
        workloadKind: object.kind,
        replicas,
        readyReplicas: integer(object.status.readyReplicas) ?? integer(object.status.numberReady),
        labels: JSON.stringify(object.labels),
        podTemplateLabels: JSON.stringify(stringMap(template.metadata.labels)),
        selector: JSON.stringify(labelSelector(selector)),
        ...reading.properties,
        // A replica set's deployment, a job's cron job; null for a workload nothing owns.
        ownerWorkloadId: top ? cluster.idOf(top) : null,
        schedule: object.kind === 'CronJob' ? text(object.spec.schedule) : null,
      },
    });
  },
};
