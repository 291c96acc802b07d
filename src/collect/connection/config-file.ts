/**
 * `reachgraph.yaml`: several connections (tenants), each naming where its
 * secret comes from — a file or an environment variable, never the secret
 * itself — its cloud, and which subscriptions and clusters to collect.
 *
 * connections:
 *   - name: contoso
 *     tenantId: 00000000-…
 *     clientId: 11111111-…
 *     clientSecretFile: /run/secrets/contoso    # or clientSecretEnv: CONTOSO_SECRET
 *     cloud: AzurePublicCloud
 *     subscriptions: { include: [], exclude: [] }
 *     clusters: { include: [], exclude: [] }
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const Selection = z.strictObject({ include: z.array(z.string()).default([]), exclude: z.array(z.string()).default([]) }).default({ include: [], exclude: [] });

const ConnectionEntry = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore'),
  tenantId: z.string().optional(),
  clientId: z.string().optional(),
  auth: z.string().optional(),
  clientSecretFile: z.string().optional(),
  clientSecretEnv: z.string().optional(),
  certificatePath: z.string().optional(),
  cloud: z.string().optional(),
  armEndpoint: z.string().optional(),
  graphEndpoint: z.string().optional(),
  subscriptions: Selection,
  clusters: Selection,
});
export type ConnectionEntry = z.infer<typeof ConnectionEntry>;

const ConfigFile = z.strictObject({ connections: z.array(ConnectionEntry).min(1) });

export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
}

export async function readConfigFile(file: string): Promise<ConnectionEntry[]> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigFileError(`cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const secretKey = JSON.stringify(document ?? {}).match(/"(clientSecret|secret|password)"\s*:/);
  if (secretKey) throw new ConfigFileError(`${file} holds a "${secretKey[1]}" key: never put a secret in the configuration; name it with clientSecretFile or clientSecretEnv`);
  const parsed = ConfigFile.safeParse(document);
  if (!parsed.success) throw new ConfigFileError(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; ')}`);
  const names = parsed.data.connections.map((entry) => entry.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) throw new ConfigFileError(`${file}: two connections are named ${duplicate}`);
  return parsed.data.connections;
}
