/** `skiff status`: where the running instance is and how its components are. */
import { Command } from '@commander-js/extra-typings';
import type { ComponentHealth } from '../../server/types.ts';
import { withApiClient } from '../api-client.ts';
import type { CliContext } from '../context.ts';
import { fetchStatus, type StatusExtras } from '../health.ts';
import { requireRunningInstance } from '../instance.ts';
import { dataDirOption, outputOption, resolveDataDir } from '../options.ts';
import { formatTable, printData } from '../output.ts';

/** The `-o json` document; these keys are a stable interface for scripts. */
export interface StatusReport {
  apiServer: string;
  kubeconfig: string;
  dataDir: string;
  store: string;
  /** The router's listeners (absent for an instance that runs none). */
  ingress?: { http: { address: string; port: number }; https: { address: string; port: number } };
  domain?: string;
  components: ComponentHealth[];
  /** Whether NetworkPolicy is enforced (by the kernel, in the loopback pod network), and on how much. */
  networkPolicy?: StatusExtras['networkPolicy'];
  /** Mesh proxies and the configuration version each runs. */
  meshProxies?: StatusExtras['meshProxies'];
}

export function statusCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('status')
    .description('show the running skiff: API URL, kubeconfig, store and component health (exit 1 if not running or unhealthy)')
    .addOption(dataDirOption())
    .addOption(outputOption())
    .action(async (flags) => {
      const info = await requireRunningInstance(resolveDataDir(flags.dataDir, ctx.env));
      const { components, extras } = await withApiClient(info, fetchStatus);
      const report: StatusReport = {
        apiServer: info.apiServer, kubeconfig: info.kubeconfig, dataDir: info.dataDir, store: info.store,
        ...(info.ingress ? { ingress: info.ingress } : {}), ...(info.domain ? { domain: info.domain } : {}), components,
        ...(extras.networkPolicy ? { networkPolicy: extras.networkPolicy } : {}), ...(extras.meshProxies ? { meshProxies: extras.meshProxies } : {}),
      };
      printData(ctx, flags.output, report, () => statusText(report, info.pid));
      done(components.every((c) => c.healthy) ? 0 : 1);
    });
}

function statusText(report: StatusReport, pid: number): string {
  const healthy = report.components.every((c) => c.healthy);
  return `skiff is running (pid ${pid})${healthy ? '' : ' but not healthy'}\n`
    + formatTable([
      ['API server:', report.apiServer],
      ['kubeconfig:', report.kubeconfig],
      ['data dir:', report.dataDir],
      ['store:', report.store],
      ...(report.ingress ? [['router:', `http://${report.ingress.http.address}:${report.ingress.http.port} https://${report.ingress.https.address}:${report.ingress.https.port} (*.${report.domain ?? ''})`]] : []),
      ...(report.networkPolicy ? [['network policy:', networkPolicyText(report.networkPolicy)]] : []),
      ...(report.meshProxies && report.meshProxies.length > 0 ? [['mesh proxies:', meshProxiesText(report.meshProxies)]] : []),
    ])
    + '\n'
    + formatTable([
      ['COMPONENT', 'HEALTHY', 'MESSAGE'],
      ...report.components.map((c) => [c.name, c.healthy ? 'yes' : 'no', c.message ?? '']),
    ]);
}

function networkPolicyText(np: NonNullable<StatusExtras['networkPolicy']>): string {
  if (!np.enforced) return `not enforced${np.message ? `: ${np.message}` : ''}`;
  return `enforced by the kernel (${np.policies} ${np.policies === 1 ? 'policy' : 'policies'}, ${np.isolatedPods} isolated ${np.isolatedPods === 1 ? 'pod' : 'pods'})${np.message ? `; last error: ${np.message}` : ''}`;
}

function meshProxiesText(proxies: NonNullable<StatusExtras['meshProxies']>): string {
  const count = (kind: string) => proxies.filter((p) => p.kind === kind).length;
  const troubled = proxies.filter((p) => p.problems > 0).length;
  return `${count('gateway')} gateway(s), ${count('sidecar')} sidecar(s)${troubled > 0 ? `; ${troubled} with configuration problems (skiff check)` : ''}`;
}
