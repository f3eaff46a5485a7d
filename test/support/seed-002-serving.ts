/**
 * The pieces of seed 002 the serving end-to-end tests run verbatim: §1.3's openssl commands
 * and `oc create secret tls`, the SMCP, the member roll, the Gateways, the KnativeServing and
 * the Knative Service, with the chapter's placeholders filled in (seeds.ts). `oc` is
 * OpenShift's kubectl; commands are otherwise run as written.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { extractSteps, fillPlaceholders, readSeed, SERVERLESS_PLACEHOLDERS, type SeedCommand, type SeedYaml } from './seeds.ts';
import type { TestSkiff } from './skiff.ts';

const run = promisify(execFile);

export interface Seed002Serving {
  /** openssl ×3 and the `kubectl create secret tls` of §1.3, to run in a scratch directory. */
  certificateCommands: string[];
  smcp: string;
  memberRoll: string;
  gateways: string;
  knativeServing: string;
  knativeService: string;
}

export function seed002Serving(): Seed002Serving {
  const steps = extractSteps(readSeed('002'));
  const commands = steps.filter((s): s is SeedCommand => s.type === 'command');
  const yamls = steps.filter((s): s is SeedYaml => s.type === 'yaml');
  const openssl = commands.filter((c) => c.program === 'openssl').slice(0, 3).map((c) => c.text);
  const secret = commands.find((c) => /create -n istio-system secret tls wildcard-certs/.test(c.text));
  const fill = (text: string) => fillPlaceholders(text, SERVERLESS_PLACEHOLDERS);
  const byFile = (file: string) => {
    const y = yamls.find((s) => s.file === file);
    assert.ok(y, `seed 002 holds ${file}`);
    return fill(y.text);
  };
  const smcp = yamls.find((s) => /kind: ServiceMeshControlPlane/.test(s.text) && !s.excerpt);
  assert.equal(openssl.length, 3);
  assert.ok(secret && smcp, 'seed 002 holds the secret command and the SMCP');
  return {
    certificateCommands: [...openssl, secret.text.replace(/^oc /, 'kubectl ')],
    smcp: fill(smcp.text),
    memberRoll: byFile('servicemesh-member-roll.yaml'),
    gateways: byFile('istio-knative-gateways.yaml'),
    knativeServing: byFile('knative-serving-config.yaml'),
    knativeService: byFile('knative-service.yaml'),
  };
}

export interface InstallOptions {
  /** A JSON merge patch for the KnativeServing, applied right after it (e.g. spec.config.autoscaler). */
  knativeServingPatch?: string;
  /** Runs after the Gateways are applied and before the KnativeServing (e.g. to add a server to a Gateway). */
  afterGateways?: () => Promise<unknown>;
}

/**
 * Seed 002 up to an installed Serving: §1.3's certificates (written to `certDir`) and the
 * wildcard Secret, the SMCP, the member roll, the Gateways and the KnativeServing, then waits
 * until the control plane and Serving are Ready. Returns the seed's pieces for what follows.
 */
export async function installSeedServing(s: TestSkiff, certDir: string, opts: InstallOptions = {}): Promise<Seed002Serving> {
  const seed = seed002Serving();
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  for (const command of seed.certificateCommands) {
    await run('sh', ['-c', command], { cwd: certDir, env: { ...process.env, KUBECONFIG: s.skiff.info.kubeconfig } });
  }
  await apply(seed.smcp);
  await apply(seed.memberRoll);
  await apply(seed.gateways);
  await opts.afterGateways?.();
  await apply(seed.knativeServing);
  if (opts.knativeServingPatch) await s.kubectl.ok(['patch', '-n', 'knative-serving', 'knativeserving/knative-serving', '--type', 'merge', '-p', opts.knativeServingPatch]);
  await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  await s.kubectl.ok(['wait', '-n', 'knative-serving', 'knativeserving/knative-serving', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  return seed;
}
