/**
 * The OpenShift-style router inside `skiff up` (docs/router.md): watches Routes, Services'
 * EndpointSlices, compiles them (src/dataplane/router/compile.ts), pushes the table to the
 * HTTP/HTTPS listeners and writes each route's `status.ingress` for router `default`, as
 * OpenShift's ingress controller does. It reaches the API only through the Client.
 */
import { ENDPOINT_SLICE, type EndpointSlice } from '../api/builtin/core/service-view.ts';
import type { KubeObject } from '../api/object.ts';
import { Informer } from '../client/informer.ts';
import type { Client } from '../client/types.ts';
import { compileRoutes } from '../dataplane/router/compile.ts';
import { Router, type ListenAddress } from '../dataplane/router/router.ts';
import { routeStatusFor } from '../dataplane/router/route-status.ts';
import { isSkiffError } from '../errors/skiff-error.ts';
import { SkiffError } from '../errors/skiff-error.ts';
import { issueCertificate } from '../pki/certificates.ts';
import type { Logger } from '../util/log.ts';

export const ROUTE = { apiVersion: 'route.openshift.io/v1', kind: 'Route' } as const;
/** Defaults: unprivileged, and clear of the usual dev ports (3000, 8000, 8080, 8443, 9090). */
export const DEFAULT_ROUTER_HTTP_PORT = 18080;
export const DEFAULT_ROUTER_HTTPS_PORT = 18443;

const COALESCE_MS = 10;
const DAY_MS = 86_400_000;

export interface RouterStartOptions {
  domain: string;
  httpPort: number;
  httpsPort: number;
  /** skiff's cluster CA: issues the default `*.<domain>` certificate, verifies reencrypt endpoints without a destination CA. */
  ca: { certPem: string; keyPem: string };
  /** The ports are the defaults, not the user's: when taken, listen on free ones instead of failing. */
  randomPortsIfTaken?: boolean;
}

export interface RunningRouter {
  readonly domain: string;
  readonly http: ListenAddress;
  readonly https: ListenAddress;
  /** Resolves once the latest change is in the listeners and every status write is done. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

async function defaultCertificate(ca: { certPem: string; keyPem: string }, domain: string) {
  const now = Date.now();
  return issueCertificate(ca, { commonName: `*.${domain}`, dnsNames: [`*.${domain}`, domain], usages: ['serverAuth'], notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 365 * DAY_MS) });
}

export async function startRouter(client: Client, log: Logger, opts: RouterStartOptions): Promise<RunningRouter> {
  const certificate = await defaultCertificate(opts.ca, opts.domain);
  const open = async (httpPort: number, httpsPort: number) => {
    const candidate = new Router({ httpPort, httpsPort, defaultCertificate: certificate, serviceCaPem: opts.ca.certPem });
    return { router: candidate, addresses: await candidate.listen() };
  };
  let opened: Awaited<ReturnType<typeof open>>;
  try {
    opened = await open(opts.httpPort, opts.httpsPort);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    if (!opts.randomPortsIfTaken) throw new SkiffError('SKF_CLI_PORT_IN_USE', `a router port (HTTP ${opts.httpPort}, HTTPS ${opts.httpsPort}) on 127.0.0.1 is already in use; choose others with --router-http-port and --router-https-port`);
    // Default ports taken (another skiff, or a dev server): any free ports, shown by `skiff status`.
    opened = await open(0, 0);
    log.warn({ http: opened.addresses.http.port, https: opened.addresses.https.port }, `router ports ${opts.httpPort}/${opts.httpsPort} are in use; listening on free ports instead`);
  }
  const { router, addresses } = opened;
  const routes = new Informer<KubeObject>(client, ROUTE, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, {}, log);

  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let stopped = false;
  const push = () => {
    timer = undefined;
    if (stopped) return;
    const compiled = compileRoutes(routes.list(), slices.list(), opts.domain);
    router.apply(compiled.table);
    const current = routes.list();
    writing = writing.then(async () => {
      for (const route of current) {
        const verdict = compiled.verdicts.get(`${route.metadata.namespace}/${route.metadata.name}`);
        const status = verdict && routeStatusFor(route, verdict, opts.domain, new Date());
        if (!status || stopped) continue;
        try {
          await client.updateStatus({ ...route, status });
        } catch (err) {
          // A stale copy or a deleted route: the informer brings the next state and a new push.
          if (!isSkiffError(err, 'SKF_API_CONFLICT') && !isSkiffError(err, 'SKF_API_NOT_FOUND')) log.warn({ err, route: route.metadata.name }, 'cannot write route status');
        }
      }
    });
  };
  const changed = () => {
    if (!stopped && !timer) timer = setTimeout(push, COALESCE_MS);
  };
  const handlers = { add: changed, update: changed, delete: changed };
  routes.addHandlers(handlers);
  slices.addHandlers(handlers);
  try {
    await routes.start();
    await slices.start();
  } catch (err) {
    routes.stop();
    slices.stop();
    await router.stop();
    throw err;
  }
  push();
  log.info({ http: addresses.http, https: addresses.https, domain: opts.domain }, 'router listening');
  return {
    domain: opts.domain,
    http: addresses.http,
    https: addresses.https,
    settled: async () => {
      if (timer) {
        clearTimeout(timer);
        push();
      }
      await writing;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      routes.stop();
      slices.stop();
      await writing;
      await router.stop();
    },
  };
}
