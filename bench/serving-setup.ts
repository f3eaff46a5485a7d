/**
 * The serving benchmark's cluster, set up as seed 002 does it with kubectl (the same steps as
 * test/e2e/serving-seed.test.ts): the seed's openssl commands and wildcard Secret, the SMCP,
 * the member roll, the Gateways, the KnativeServing — patched with a 6 s stable window and a
 * 2 s scale-to-zero grace period so idle revisions reach zero in seconds — and then Knative
 * Services shaped like the seed's (enablePassthrough, sidecar injection) built by `ksvcYaml`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kubectl } from '../test/support/kubectl.ts';
import { seed002Serving } from '../test/support/seed-002-serving.ts';

const run = promisify(execFile);

/** The seed's apps domain: its wildcard certificate is issued for `*.apps.openshift.example.com`. */
export const SERVING_DOMAIN = 'apps.openshift.example.com';
export const SERVING_NAMESPACE = 'default';

const FAST_SCALE_DOWN = JSON.stringify({ spec: { config: { autoscaler: { 'stable-window': '6s', 'scale-to-zero-grace-period': '2s' } } } });

export interface KsvcShape {
  name: string;
  image: string;
  /** autoscaling.knative.dev/min-scale, when set. */
  minScale?: number;
  /** autoscaling.knative.dev/window (the revision's stable window), when set. */
  window?: string;
  /** autoscaling.knative.dev/target-burst-capacity (0: the activator only while scaled to zero), when set. */
  burstCapacity?: number;
  env?: Record<string, string>;
}

/** A Knative Service like the seed's (passthrough Route, injected sidecar) with the benchmark's knobs. */
export function ksvcYaml(k: KsvcShape): string {
  const autoscaling = [
    ...(k.minScale !== undefined ? [`        autoscaling.knative.dev/min-scale: "${k.minScale}"`] : []),
    ...(k.window !== undefined ? [`        autoscaling.knative.dev/window: "${k.window}"`] : []),
    ...(k.burstCapacity !== undefined ? [`        autoscaling.knative.dev/target-burst-capacity: "${k.burstCapacity}"`] : []),
  ];
  const env = Object.entries(k.env ?? {});
  return [
    'apiVersion: serving.knative.dev/v1',
    'kind: Service',
    'metadata:',
    `  name: ${k.name}`,
    `  namespace: ${SERVING_NAMESPACE}`,
    '  annotations:',
    '    serving.knative.openshift.io/enablePassthrough: "true"',
    'spec:',
    '  template:',
    '    metadata:',
    '      annotations:',
    '        sidecar.istio.io/inject: "true"',
    '        sidecar.istio.io/rewriteAppHTTPProbers: "true"',
    ...autoscaling,
    '    spec:',
    '      containers:',
    `      - image: ${k.image}`,
    ...(env.length > 0 ? ['        env:', ...env.flatMap(([name, value]) => [`        - name: ${name}`, `          value: "${value}"`])] : []),
    '',
  ].join('\n');
}

/** The host the router and gateway serve a ksvc on (OpenShift's domain template). */
export function ksvcHost(name: string): string {
  return `${name}-${SERVING_NAMESPACE}.${SERVING_DOMAIN}`;
}

/** Runs the seed's setup in `certDir` (where root.crt is written); resolves with the root CA (PEM) once Serving is Ready. */
export async function setUpServing(kubectl: Kubectl, certDir: string): Promise<string> {
  const seed = seed002Serving();
  const env = { ...process.env, KUBECONFIG: kubectl.kubeconfig };
  for (const command of seed.certificateCommands) await run('sh', ['-c', command], { cwd: certDir, env });
  const apply = (yaml: string) => kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  await apply(seed.smcp);
  await apply(seed.memberRoll);
  await apply(seed.gateways);
  await apply(seed.knativeServing);
  await kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', FAST_SCALE_DOWN]);
  await kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  await kubectl.ok(['wait', '-n', 'knative-serving', 'knativeserving/knative-serving', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  return readFile(join(certDir, 'root.crt'), 'utf8');
}

/** Applies the Knative Services and waits until all are Ready. */
export async function deployKsvcs(kubectl: Kubectl, shapes: readonly KsvcShape[]): Promise<void> {
  await kubectl.ok(['apply', '-f', '-'], { stdin: shapes.map(ksvcYaml).join('---\n') });
  await kubectl.ok(['wait', '-n', SERVING_NAMESPACE, ...shapes.map((k) => `ksvc/${k.name}`), '--for=condition=Ready', '--timeout=180s'], { timeoutMs: 190_000 });
}
