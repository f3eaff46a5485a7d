/**
 * `skiff version`: the CLI's version and, when an instance runs on the data directory, the
 * server's `GET /version` (Kubernetes' version.Info, as kubectl shows it).
 */
import { Command } from '@commander-js/extra-typings';
import { SkiffError } from '../../errors/skiff-error.ts';
import { type ApiClient, withApiClient } from '../api-client.ts';
import type { CliContext } from '../context.ts';
import { inspectInstance } from '../instance.ts';
import { dataDirOption, outputOption, resolveDataDir } from '../options.ts';
import { printData } from '../output.ts';
import { SKIFF_VERSION } from '../../server/version.ts';

export interface VersionReport {
  clientVersion: string;
  /** The server's /version document; absent when nothing runs on the data directory. */
  serverVersion?: Record<string, unknown>;
}

export function versionCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('version')
    .description('print the client version, and the server version when skiff is running')
    .addOption(dataDirOption())
    .addOption(outputOption())
    .action(async (flags) => {
      const found = await inspectInstance(resolveDataDir(flags.dataDir, ctx.env));
      const report: VersionReport = { clientVersion: SKIFF_VERSION };
      if (found.state === 'running') report.serverVersion = await withApiClient(found.info, fetchServerVersion);
      printData(ctx, flags.output, report, () => versionText(report));
      done(0);
    });
}

async function fetchServerVersion(client: ApiClient): Promise<Record<string, unknown>> {
  const response = await client.get('/version');
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    parsed = undefined;
  }
  if (response.status !== 200 || typeof parsed !== 'object' || parsed === null) {
    throw new SkiffError('SKF_CLI_API_UNREACHABLE', `GET /version answered HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  }
  return parsed as Record<string, unknown>;
}

function versionText(report: VersionReport): string {
  const server = report.serverVersion?.gitVersion;
  return `Client Version: ${report.clientVersion}\n${typeof server === 'string' ? `Server Version: ${server}\n` : ''}`;
}
