/**
 * Runs every registered ARM detail over the resources Resource Graph found,
 * per subscription, with bounded concurrency. A resource that fails is
 * recorded against its family in its subscription and the rest goes on.
 */
import { NetworkManagementClient } from '@azure/arm-network';
import { ArmRest } from '../arm/arm-rest.js';
import { describeDiagnosis, diagnose, isDenied } from '../connection/diagnose.js';
import type { CollectContext } from '../context.js';
import { createLimiter, forEachInOrder } from '../pool.js';
import { ARM_DETAILS, type ArmDetail, type DetailClients } from './details/index.js';
import { parseArmId } from './details/detail.js';

export const ARM_DETAIL_SOURCE_TYPES: readonly string[] = [...new Set(ARM_DETAILS.map((detail) => detail.sourceType))];

function clientsFor(context: CollectContext): DetailClients {
  const networks = new Map<string, NetworkManagementClient>();
  return {
    arm: new ArmRest(context.connection),
    network(subscriptionId) {
      let client = networks.get(subscriptionId);
      if (!client) {
        client = new NetworkManagementClient(context.connection.auth.credential, subscriptionId, context.connection.armClientOptions());
        networks.set(subscriptionId, client);
      }
      return client;
    },
  };
}

async function collectDetail(context: CollectContext, clients: DetailClients, detail: ArmDetail, resources: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const bySubscription = new Map<string, Array<Record<string, unknown>>>();
  for (const resource of resources) {
    if (detail.applies && !detail.applies(resource)) continue;
    const { subscriptionId } = parseArmId(String(resource.id));
    bySubscription.set(subscriptionId, [...(bySubscription.get(subscriptionId) ?? []), resource]);
  }
  for (const [subscriptionId, items] of bySubscription) {
    const file = context.writer.list(`azure/arm/${subscriptionId}/${detail.key}.json`);
    try {
      // In input order, so the same estate gives the same file from one run to the next.
      await forEachInOrder(
        items,
        { limit: createLimiter(context.concurrency), window: context.concurrency * 4 },
        async (resource) => {
          try {
            return await detail.collect(resource, clients);
          } catch (error) {
            const diagnosis = diagnose(error, { action: `reading ${detail.name} of ${String(resource.id)}` });
            const denied = isDenied(error);
            const reason = denied ? `${detail.name}: ${diagnosis.cause}. Fix: ${detail.deniedFix}` : `${detail.name}: ${describeDiagnosis(diagnosis)}`;
            context.outcome.problem(subscriptionId, detail.family, denied ? 'denied' : 'error', reason);
            return [];
          }
        },
        async (found) => {
          await file.append(found);
          context.outcome.count(subscriptionId, detail.family, found.length);
          context.log.advance('ARM details');
        },
      );
    } finally {
      // Resources that failed are recorded as problems; the file holds what the others returned.
      await file.commit();
    }
  }
}

/** `resourcesOf(type)` hands out what Resource Graph found of a type. */
export async function collectArmDetails(context: CollectContext, resourcesOf: (type: string) => Array<Record<string, unknown>>): Promise<void> {
  const clients = clientsFor(context);
  const work = ARM_DETAILS.map((detail) => ({ detail, resources: resourcesOf(detail.sourceType) }));
  context.log.stage('ARM details', work.reduce((sum, { detail, resources }) => sum + resources.filter((resource) => !detail.applies || detail.applies(resource)).length, 0));
  for (const { detail, resources } of work) await collectDetail(context, clients, detail, resources);
}
