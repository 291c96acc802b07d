import type { Command } from 'commander';
import { checkIntegrity, type IntegrityReport, TRUSTED_REGISTRIES_ENV } from '../../supply-chain/integrity.js';
import { table } from '../format.js';
import { readSupplyChainSource } from './images.js';

interface IntegrityOptions {
  store?: string;
  json?: boolean;
  trustedRegistry?: string[];
}

const SOURCE_LABEL: Record<IntegrityReport['trustedRegistriesSource'], string> = {
  option: '--trusted-registry',
  env: TRUSTED_REGISTRIES_ENV,
  snapshot: "the snapshot's container registries and mcr.microsoft.com",
};

export function formatIntegrity(report: IntegrityReport): string {
  const lines = [`Trusted registries (${SOURCE_LABEL[report.trustedRegistriesSource]}): ${report.trustedRegistries.join(', ') || 'none'}`];
  if (report.derivedLoginServers.length > 0) lines.push(`Assumed login servers (not in the snapshot): ${report.derivedLoginServers.join(', ')}`);
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('No integrity finding.');
    return lines.join('\n');
  }
  const rows = report.findings.map((finding) => [
    finding.severity,
    finding.rule,
    `${finding.namespace}/${finding.workloadName}`,
    finding.container,
    finding.exposed ? 'exposed' : '-',
    finding.message,
  ]);
  lines.push(table(['SEVERITY', 'RULE', 'WORKLOAD', 'CONTAINER', 'EXPOSED', 'FINDING'], rows));
  const counts = Object.entries(report.summary.byRule)
    .filter(([, count]) => count > 0)
    .map(([rule, count]) => `${count} ${rule}`)
    .join(', ');
  lines.push('', `${report.findings.length} finding(s): ${counts}.`);
  return lines.join('\n');
}

export function registerIntegrity(program: Command): void {
  program
    .command('integrity')
    .description('check image provenance: untrusted or unknown registries, mutable tags, running digests that differ from the pinned ones (exit 0 even with findings)')
    .argument('[source]', 'snapshot directory or graph store file (default: the graph store)')
    .option('--store <file|uri>', 'graph store when no source is given (env REACHGRAPH_STORE)')
    .option(
      '--trusted-registry <host>',
      `a trusted registry host, repeatable (or comma-separated); *.example.com trusts its subdomains. Default: env ${TRUSTED_REGISTRIES_ENV}, else the snapshot's ACRs and mcr.microsoft.com`,
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--json', 'print the JSON shape documented in the README')
    .action(async (source: string | undefined, options: IntegrityOptions) => {
      const input = await readSupplyChainSource(source, options.store);
      const report = checkIntegrity(input.graph, input.report, {
        trustedRegistries: options.trustedRegistry ?? [],
        env: process.env[TRUSTED_REGISTRIES_ENV],
      });
      console.log(options.json ? JSON.stringify(report, null, 2) : formatIntegrity(report));
      input.finish();
    });
}
