/**
 * One probe round (knative/networking pkg/status prober): a GET to each target with
 * `K-Network-Probe: probe`, `K-Network-Hash: override` and the ingress host as Host (and as
 * SNI over TLS, unverified: it is a probe of routing, not of the certificate). A target is
 * ready when it answers 200 with `K-Network-Hash` equal to the expected hash — which only the
 * probe route of this ingress version sets, and queue-proxy or the activator echoes back.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { HASH_HEADER, HASH_OVERRIDE, PROBE_HEADER, PROBE_VALUE } from './probe-hash.ts';
import type { ProbeTarget } from './probe-plan.ts';

export interface ProbeOutcome {
  target: ProbeTarget;
  ready: boolean;
  detail: string;
}

export type ProbeFn = (target: ProbeTarget, hash: string) => Promise<ProbeOutcome>;

const PROBE_TIMEOUT_MS = 2_000;

export const probeTarget: ProbeFn = (target, hash) => new Promise((resolve) => {
  const done = (ready: boolean, detail: string) => resolve({ target, ready, detail });
  const options = {
    host: target.address,
    port: target.port,
    path: '/healthz',
    method: 'GET',
    headers: { Host: target.host, [PROBE_HEADER]: PROBE_VALUE, [HASH_HEADER]: HASH_OVERRIDE, 'User-Agent': 'Knative-Ingress-Probe' },
    timeout: PROBE_TIMEOUT_MS,
    agent: false as const,
  };
  const onResponse = (res: IncomingMessage) => {
    res.resume();
    const got = res.headers[HASH_HEADER.toLowerCase()];
    if (res.statusCode !== 200) done(false, `${target.pod} answered ${res.statusCode}`);
    else if (got !== hash) done(false, `${target.pod} answered hash ${String(got ?? 'none')}`);
    else done(true, 'ok');
  };
  const req = target.tls
    ? httpsRequest({ ...options, rejectUnauthorized: false, ...(isIP(target.host) ? {} : { servername: target.host }) }, onResponse)
    : httpRequest(options, onResponse);
  req.on('timeout', () => req.destroy(new Error('probe timed out')));
  req.on('error', (err) => done(false, `${target.pod} ${target.address}:${target.port}: ${err.message}`));
  req.end();
});

/** Probes every target at once; ready only when all are. */
export async function probeAll(targets: readonly ProbeTarget[], hash: string, probe: ProbeFn = probeTarget): Promise<{ ready: boolean; notReady: ProbeOutcome[] }> {
  const outcomes = await Promise.all(targets.map((t) => probe(t, hash)));
  const notReady = outcomes.filter((o) => !o.ready);
  return { ready: notReady.length === 0, notReady };
}
