/**
 * The `knative-component` image: the process that stands for one of Knative's control-plane
 * pods (activator, autoscaler, controller, webhook, net-istio-*, net-kourier-controller).
 * Their real work runs inside skiff; this program only opens, on the pod's address
 * ($SKIFF_LISTEN_ADDRESS), the listeners components.ts lists for it. The activator binds
 * nothing (skiff's activator data plane owns its ports) and lives until SIGTERM; the
 * autoscaler binds only its 8080 (skiff serves its :9090 metrics).
 *
 * Which component it is, first found wins:
 * 1. an argument: `--component=<name>` or `<name>` (the catalog passes it as the image's CMD);
 * 2. env `KNATIVE_COMPONENT`;
 * 3. env `HOSTNAME`, the pod name `<deployment>-<hash>-<suffix>` of the operator's Deployments.
 *
 * SIGTERM closes every listener and exits 0.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Program } from '../program.ts';
import { COMPONENT_LISTENERS, type KnativeComponent, type ListenerKind, isKnativeComponent } from './components.ts';
import { grpcHealthHandler, metricsHandler, probesHandler, webhookHandler } from './listeners.ts';
import { selfSignedCertificate } from './self-signed.ts';

/** The component named by the arguments, the environment or the pod name. */
export function componentOf(args: readonly string[], env: Readonly<Record<string, string | undefined>>): KnativeComponent | undefined {
  for (const arg of args) {
    const name = arg.startsWith('--component=') ? arg.slice('--component='.length) : arg;
    if (isKnativeComponent(name)) return name;
  }
  if (isKnativeComponent(env.KNATIVE_COMPONENT)) return env.KNATIVE_COMPONENT;
  const fromPod = (env.HOSTNAME ?? '').split('-').slice(0, -2).join('-');
  return isKnativeComponent(fromPod) ? fromPod : undefined;
}

export const knativeComponent: Program = (io) => {
  const log = (level: 'info' | 'error', message: string) => io.stderr.write(`${JSON.stringify({ severity: level.toUpperCase(), timestamp: new Date().toISOString(), logger: 'knative-component', message })}\n`);
  const component = componentOf(io.args, io.env);
  const servers: Array<HttpServer | Http2Server> = [];
  // Keeps a standalone process alive when the component binds nothing (the activator).
  const keepAlive = setInterval(() => {}, 1 << 30);
  const close = () => {
    clearInterval(keepAlive);
    for (const server of servers) {
      server.close();
      if ('closeAllConnections' in server) server.closeAllConnections();
    }
  };
  if (!component) {
    log('error', `unknown Knative component (args ${JSON.stringify(io.args)}; set --component=<name> or KNATIVE_COMPONENT)`);
    close();
    io.exit(1);
    return { close };
  }
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const started = Date.now();
  const make = (kind: ListenerKind): HttpServer | Http2Server => {
    switch (kind) {
      case 'probes': return createHttpServer(probesHandler);
      case 'metrics': return createHttpServer(metricsHandler(component, started));
      case 'webhook': {
        const { certPem, keyPem } = selfSignedCertificate(`${component}.${io.env.SYSTEM_NAMESPACE || 'knative-serving'}.svc`);
        return createHttpsServer({ cert: certPem, key: keyPem }, webhookHandler);
      }
      case 'grpc-health': {
        const server = createHttp2Server();
        server.on('stream', grpcHealthHandler);
        return server;
      }
    }
  };
  for (const { kind, port } of COMPONENT_LISTENERS[component]) {
    const server = make(kind);
    servers.push(server);
    server.on('error', (err: Error) => {
      log('error', `failed to listen on ${host ?? '*'}:${port}: ${err.message}`);
      close();
      io.exit(1);
    });
    server.listen(port, host, () => log('info', `${component}: ${kind} listening on ${host ?? '*'}:${port}`));
  }
  log('info', `${component} started${COMPONENT_LISTENERS[component].length === 0 ? ' (its ports are served by skiff)' : ''}`);
  io.onSignal('SIGTERM', () => {
    log('info', 'Received SIGTERM, shutting down');
    close();
    io.exit(0);
  });
  return { close };
};
