/**
 * `skiff up`: runs skiff in the foreground on a data directory until SIGINT/SIGTERM.
 * `startSkiff` (src/server/start.ts) owns the data-directory lock and skiff.json: it takes the
 * lock first and writes skiff.json once the API serves; `stop()` undoes both. This command
 * refuses early when a skiff already holds the lock (before loading the server), prints
 * where to reach the instance, waits for a signal, and stops it.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { assertDataDirFree } from '../../server/instance-lock.ts';
import type { RunningSkiff, SkiffOptions } from '../../server/types.ts';
import { createLogger } from '../../util/log.ts';
import type { CliContext, StartSkiff } from '../context.ts';
import { DEFAULT_LOAD_BALANCER_POOL, DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR } from '../../api/builtin/core/service-network.ts';
import { DEFAULT_EVENT_TTL_MS } from '../../apiserver/controlplane/event-expiry.ts';
import { dataDirOption, outputOption, parseDuration, parseLoopbackRange, parseNodePortRange, parsePort, resolveDataDir, type OutputFormat } from '../options.ts';
import { formatTable, printData } from '../output.ts';

export const DEFAULT_API_PORT = 6443;

export function upCommand(ctx: CliContext, done: (code: number) => void) {
  return new Command('up')
    .description('start skiff in the foreground: API server, controllers, runtime and proxies (stop with Ctrl-C or `skiff down`)')
    .addOption(dataDirOption())
    .addOption(new Option('--api-port <port>', 'API server port on 127.0.0.1 (0 picks a free one)').argParser(parsePort).default(DEFAULT_API_PORT))
    .addOption(new Option('--store <url>', 'store: `embedded` or etcd://HOST:PORT[,HOST:PORT…]').default('embedded'))
    .addOption(new Option('--domain <domain>', 'apps domain for Knative URLs and generated Route hosts (default apps.example.com)'))
    .addOption(new Option('--router-http-port <port>', 'router HTTP port on 127.0.0.1 for Routes (default 18080; 0 picks a free one)').argParser(parsePort))
    .addOption(new Option('--router-https-port <port>', 'router HTTPS port on 127.0.0.1 for Routes (default 18443; 0 picks a free one)').argParser(parsePort))
    .addOption(new Option('--pod-network <mode>', 'pod networking: `loopback` (an address in 127.0.0.0/8 per pod, no privileges) or `netns` (root: a network namespace, veth and cluster DNS per pod); docs/runtime.md').choices(['loopback', 'netns'] as const).default('loopback' as const))
    .addOption(new Option('--service-cluster-ip-range <cidr>', 'Service cluster IPs: a CIDR of at most /12 within 127.1.0.0-127.127.255.255 (docs/services.md)').argParser(parseLoopbackRange).default(DEFAULT_SERVICE_CIDR))
    .addOption(new Option('--service-node-port-range <range>', 'node ports, MIN-MAX').argParser(parseNodePortRange).default(DEFAULT_NODE_PORT_RANGE))
    .addOption(new Option('--load-balancer-pool <cidr>', 'addresses of LoadBalancer Services: a CIDR as for --service-cluster-ip-range').argParser(parseLoopbackRange).default(DEFAULT_LOAD_BALANCER_POOL))
    .addOption(new Option('--event-ttl <duration>', 'how long an Event is kept after its last write, as kube-apiserver\'s --event-ttl (0 keeps them)').argParser(parseDuration).default(DEFAULT_EVENT_TTL_MS, '1h'))
    .addOption(outputOption())
    .action(async (flags) => {
      const options: SkiffOptions = {
        dataDir: resolveDataDir(flags.dataDir, ctx.env),
        apiPort: flags.apiPort,
        store: flags.store,
        ...(flags.domain === undefined ? {} : { domain: flags.domain }),
        ...(flags.routerHttpPort === undefined ? {} : { routerHttpPort: flags.routerHttpPort }),
        ...(flags.routerHttpsPort === undefined ? {} : { routerHttpsPort: flags.routerHttpsPort }),
        podNetwork: flags.podNetwork,
        eventTtlMs: flags.eventTtl,
        serviceCIDR: flags.serviceClusterIpRange,
        nodePortRange: flags.serviceNodePortRange,
        loadBalancerPool: flags.loadBalancerPool,
      };
      done(await runUp(ctx, options, flags.output));
    });
}

async function runUp(ctx: CliContext, options: SkiffOptions, format: OutputFormat): Promise<number> {
  await assertDataDirFree(options.dataDir);
  const log = createLogger('skiff');
  const stopRequested = waitForStopSignal(ctx);
  const startSkiff = ctx.startSkiff ?? await loadStartSkiff();
  const running = await startSkiff(options, log);
  printData(ctx, format, running.info, () => readyText(running));
  const signal = await stopRequested;
  log.info({ signal }, 'stopping');
  await running.stop();
  if (format === 'text') ctx.stdout.write('skiff stopped\n');
  return 0;
}

/** Loaded on demand, not at the top: the other commands must not pay for the whole server. */
async function loadStartSkiff(): Promise<StartSkiff> {
  const module: { startSkiff: StartSkiff } = await import('../../server/start.ts');
  return module.startSkiff;
}

function readyText(running: RunningSkiff): string {
  const { info } = running;
  return `skiff is running (pid ${info.pid})\n`
    + formatTable([
      ['API server:', info.apiServer],
      ['kubeconfig:', info.kubeconfig],
      ['data dir:', info.dataDir],
      ['store:', info.store],
      ...(info.ingress ? [['router:', `http://${info.ingress.http.address}:${info.ingress.http.port} https://${info.ingress.https.address}:${info.ingress.https.port} (*.${info.domain ?? ''})`]] : []),
    ])
    + `\nexport KUBECONFIG=${shellQuote(info.kubeconfig)}\n`;
}

/**
 * Resolves on the first SIGINT/SIGTERM, even one that arrives while skiff is still starting
 * (it then stops as soon as it is up). A second signal aborts the graceful stop.
 */
function waitForStopSignal(ctx: CliContext): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) {
        ctx.stderr.write(`error: received ${signal} again during shutdown; exiting without a clean stop\n`);
        process.exit(1);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
