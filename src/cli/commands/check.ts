/**
 * `skiff check`: preflight (`--pre`, seed 002 §1.4.1) and health checks of the mesh, in the
 * style of `linkerd check` — √/‼/× per check with what is wrong and how to fix it, or
 * linkerd's JSON document under `-o json`. Exit 0 when no check is an error (warnings
 * pass), 1 otherwise (SKF_CHECK_FAILED).
 */
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { renderReport } from '../../check/render.ts';
import { runChecks } from '../../check/run-checks.ts';
import { readSnapshot } from '../../check/snapshot.ts';
import { type WorkloadName, parseWorkloadName } from '../../check/workloads.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { withApiClient } from '../api-client.ts';
import type { CliContext } from '../context.ts';
import { requireRunningInstance } from '../instance.ts';
import { dataDirOption, outputOption, resolveDataDir } from '../options.ts';
import { printData } from '../output.ts';

export function checkCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('check')
    .description('check the mesh: preflight for Serverless (--pre) or the health of control planes, certificates, gateways, sidecars and mTLS between two workloads (exit 1 on any failure)')
    .option('--pre', 'run the preflight checks of seed 002 §1.4.1 (conflicting 443 "*" Gateways, ingress gateway Service type)', false)
    .addOption(new Option('-n, --namespace <namespace>', 'the mesh to check: its control plane namespace (default: every mesh; istio-system for --pre)'))
    .addOption(new Option('--mtls <workloads...>', 'mTLS status from the first workload to the second, each NAMESPACE/POD or NAMESPACE/WORKLOAD').argParser(collectWorkloads))
    .addOption(dataDirOption())
    .addOption(outputOption())
    .action(async (flags) => {
      const mtls = flags.mtls === undefined ? undefined : requirePair(flags.mtls);
      const info = await requireRunningInstance(resolveDataDir(flags.dataDir, ctx.env));
      const report = await withApiClient(info, (api) => runChecks(() => readSnapshot(api), {
        pre: flags.pre,
        ...(flags.namespace !== undefined ? { meshNamespace: flags.namespace } : {}),
        ...(mtls !== undefined ? { mtls } : {}),
      }));
      printData(ctx, flags.output, report, () => renderReport(report));
      if (!report.success && flags.output === 'text') {
        const failures = report.categories.flatMap((c) => c.checks).filter((c) => c.result === 'error').length;
        const error = new SkiffError('SKF_CHECK_FAILED', `${failures} check${failures === 1 ? '' : 's'} failed`);
        ctx.stderr.write(`error: ${error.message} [${error.code}]\nhint: ${error.hint}\n`);
      }
      done(report.success ? 0 : 1);
    });
}

/** Commander calls this once per value of the variadic option; keeps them in order. */
export function collectWorkloads(value: string, previous: WorkloadName[] | undefined): WorkloadName[] {
  const parsed = parseWorkloadName(value);
  if (parsed === undefined) throw new InvalidArgumentError(`"${value}" is not NAMESPACE/NAME.`);
  return [...(previous ?? []), parsed];
}

export function requirePair(workloads: readonly WorkloadName[]): readonly [WorkloadName, WorkloadName] {
  if (workloads.length !== 2) throw new SkiffError('SKF_CLI_BAD_ARGUMENT', `--mtls takes exactly two workloads (from, to), got ${workloads.length}`);
  return [workloads[0]!, workloads[1]!];
}
