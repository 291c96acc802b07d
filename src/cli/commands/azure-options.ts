/** The options every command that connects to Azure takes, and how they become connections. */
import type { Command } from 'commander';
import { readConfigFile, type ConnectionEntry } from '../../collect/connection/config-file.js';
import type { ConnectionOptions } from '../../collect/connection/connection.js';
import { UsageError } from '../errors.js';

export interface AzureCliOptions {
  config?: string;
  connection?: string;
  auth?: string;
  tenantId?: string;
  clientId?: string;
  clientSecretFile?: string;
  cloud?: string;
  armEndpoint?: string;
  graphEndpoint?: string;
  subscription: string[];
  excludeSubscription: string[];
  cluster: string[];
  excludeCluster: string[];
}

const collectList = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((item) => item.trim()).filter(Boolean)];

export function addAzureOptions(command: Command): Command {
  return command
    .option('--config <file>', 'a reachgraph.yaml listing connections (tenants); secrets are named there, never written')
    .option('--connection <name>', 'with --config: only this connection')
    .option('--auth <method>', 'secret | certificate | cli | managed-identity | workload-identity (default: from what is configured)')
    .option('--tenant-id <id>', 'the tenant (env AZURE_TENANT_ID)')
    .option('--client-id <id>', 'the app registration\'s client id (env AZURE_CLIENT_ID)')
    .option('--client-secret-file <path|->', 'read the client secret from a file, or - for standard input (else env AZURE_CLIENT_SECRET)')
    .option('--cloud <name>', 'AzurePublicCloud | AzureChinaCloud | AzureUSGovernment (env AZURE_CLOUD)')
    .option('--arm-endpoint <url>', 'a custom Azure Resource Manager endpoint (env REACHGRAPH_ARM_ENDPOINT)')
    .option('--graph-endpoint <url>', 'a custom Microsoft Graph endpoint (env REACHGRAPH_GRAPH_ENDPOINT)')
    .option('--subscription <id|name>', 'only these subscriptions (repeatable or comma-separated)', collectList, [])
    .option('--exclude-subscription <id|name>', 'leave these subscriptions out', collectList, [])
    .option('--cluster <name|id>', 'only these AKS clusters', collectList, [])
    .option('--exclude-cluster <name|id>', 'leave these AKS clusters out', collectList, []);
}

export interface ResolvedConnection {
  connection: ConnectionOptions;
  includeSubscriptions: string[];
  excludeSubscriptions: string[];
  includeClusters: string[];
  excludeClusters: string[];
}

function fromEntry(entry: ConnectionEntry, options: AzureCliOptions): ResolvedConnection {
  const { subscriptions, clusters, ...connection } = entry;
  return {
    connection: { ...connection, ...(options.clientSecretFile ? { clientSecretFile: options.clientSecretFile } : {}) },
    includeSubscriptions: options.subscription.length ? options.subscription : subscriptions.include,
    excludeSubscriptions: [...subscriptions.exclude, ...options.excludeSubscription],
    includeClusters: options.cluster.length ? options.cluster : clusters.include,
    excludeClusters: [...clusters.exclude, ...options.excludeCluster],
  };
}

/** The connections a command works on: the config file's (or the one named), else one from flags and environment. */
export async function resolveConnections(options: AzureCliOptions): Promise<ResolvedConnection[]> {
  if (options.config) {
    const entries = await readConfigFile(options.config);
    const chosen = options.connection ? entries.filter((entry) => entry.name === options.connection) : entries;
    if (chosen.length === 0) throw new UsageError(`${options.config} has no connection named ${options.connection}; it has ${entries.map((entry) => entry.name).join(', ')}`);
    return chosen.map((entry) => fromEntry(entry, options));
  }
  if (options.connection) throw new UsageError('--connection needs --config');
  const connection: ConnectionOptions = {};
  for (const key of ['auth', 'tenantId', 'clientId', 'clientSecretFile', 'cloud', 'armEndpoint', 'graphEndpoint'] as const) if (options[key]) connection[key] = options[key];
  return [
    {
      connection,
      includeSubscriptions: options.subscription,
      excludeSubscriptions: options.excludeSubscription,
      includeClusters: options.cluster,
      excludeClusters: options.excludeCluster,
    },
  ];
}
