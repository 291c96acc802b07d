import type { Command } from 'commander';
import type { CheckReport } from '../../collect/check/check.js';
import { redactSecrets } from '../../collect/connection/secrets.js';
import { ConnectError } from '../../collect/errors.js';
import { addAzureOptions, type AzureCliOptions, resolveConnections } from './azure-options.js';

const MARK = { pass: '✓', fail: '✗', 'not-applicable': '–' } as const;

export function formatCheckReport(report: CheckReport): string {
  const lines = [
    `Tenant ${report.tenantId} (${report.cloud}), signed in as ${report.principal.clientId ?? report.principal.objectId ?? 'the current identity'} (${report.principal.method})`,
    `Management groups: ${report.managementGroups.length ? report.managementGroups.map((group) => group.displayName).join(', ') : 'none visible'}`,
    `Subscriptions: ${report.subscriptions.length ? report.subscriptions.map((subscription) => `${subscription.displayName} (${subscription.subscriptionId})`).join(', ') : 'none visible'}`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.title}${check.required ? '' : ' (optional)'} — ${check.detail}`);
    if (check.fix) {
      lines.push(`    portal: ${check.fix.portal}`);
      for (const command of check.fix.az) lines.push(`    az:     ${command}`);
    }
  }
  lines.push('', report.ok ? 'Ready: every required prerequisite holds.' : 'Not ready: fix the ✗ marked required above, then run `reachgraph azure check` again.');
  return redactSecrets(lines.join('\n'));
}

export function registerAzure(program: Command): void {
  const azure = program.command('azure').description('connect to an Azure tenant');
  addAzureOptions(
    azure
      .command('check')
      .description('sign in, list what the credential sees and verify every prerequisite, with the fix for each one missing')
      .option('--json', 'print the report as JSON'),
  ).action(async (options: AzureCliOptions & { json?: boolean }) => {
    // The Azure SDKs load only for commands that talk to Azure.
    const [{ checkConnection }, { openConnection }] = await Promise.all([import('../../collect/check/check.js'), import('../../collect/connection/connection.js')]);
    const reports: CheckReport[] = [];
    for (const resolved of await resolveConnections(options)) {
      const connection = await openConnection(resolved.connection);
      try {
        reports.push(await checkConnection(connection, { includeSubscriptions: resolved.includeSubscriptions, excludeSubscriptions: resolved.excludeSubscriptions }));
      } catch (error) {
        // Scripts reading --json get an answer even when sign-in fails; the message still goes to stderr.
        if (options.json && error instanceof ConnectError) console.log(JSON.stringify({ ok: false, error: { message: redactSecrets(error.message) } }, null, 2));
        throw error;
      }
    }
    console.log(options.json ? redactSecrets(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)) : reports.map(formatCheckReport).join('\n\n'));
    if (reports.some((report) => !report.ok)) process.exitCode = 1;
  });
}
