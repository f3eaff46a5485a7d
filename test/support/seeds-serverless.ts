/**
 * What the Service Mesh + Serverless chapter (seeds 000–003, one chapter in four renderings)
 * needs beyond the walk itself: which of its commands cannot run yet and why, how its two
 * excerpts become whole objects, and the preflight check with the output the chapter shows.
 */
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { extractSteps, readSeed, type SeedCommand, type SeedYaml } from './seeds.ts';
import { reflow, shapesByKind } from './seeds-reflow.ts';
import type { WalkOptions } from './seeds-walk.ts';

/** The preflight check for conflicting gateways (§1.4.1), as seed 002 prints it. */
export function preflightCommand(): string {
  const step = extractSteps(readSeed('002')).find((s): s is SeedCommand => s.type === 'command' && s.text.startsWith('oc get gateway -A'));
  if (!step) throw new Error('seed 002 has no `oc get gateway -A` preflight command');
  return step.text;
}

/** The preflight check's example output in `seedText` (`knative-serving/<name>  [<servers JSON>]`). */
export function preflightExampleOutput(seedText: string): string[] {
  return seedText.split('\n').filter((l) => /^\s*knative-serving\/\S+\s+\[/.test(l)).map((l) => l.trim());
}

/** Every object in `value` lists its keys in sorted order (as Go's encoding/json prints maps). */
function assertSortedKeys(value: unknown, where: string): void {
  if (Array.isArray(value)) value.forEach((v, i) => assertSortedKeys(v, `${where}[${i}]`));
  else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    assert.deepEqual(keys, [...keys].sort(), `keys of ${where}`);
    for (const [k, v] of Object.entries(value)) assertSortedKeys(v, `${where}.${k}`);
  }
}

/**
 * The preflight output has the example's shape: the same `namespace/name` column, aligned by
 * `column -t` the same way, and servers JSON whose keys come in the same (sorted) order.
 */
export function assertPreflightShape(lines: readonly string[], example: readonly string[]): void {
  const split = (l: string) => /^(\S+)(\s+)(\[.*\])$/.exec(l);
  assert.deepEqual(lines.map((l) => split(l)?.slice(1, 3)), example.map((l) => split(l)?.slice(1, 3)), 'gateway names and column alignment');
  for (const l of [...example, ...lines]) assertSortedKeys(JSON.parse(split(l)![3]!), l);
}

/** Commands of the chapter that need parts of skiff that do not exist yet. */
export function serverlessSkip(command: SeedCommand): string | undefined {
  if (command.program === 'curl') return 'calls the Knative Service by its public name on port 443, which needs DNS for *.apps.openshift.example.com; test/e2e/serving-seed.test.ts runs this call end to end through skiff\'s router (curl --resolve to its HTTPS port)';
  if (command.text.includes('grep istio-ingressgateway')) return 'lists the istio-ingressgateway Service, which the mesh controller creates from the SMCP (issue 5)';
  return undefined;
}

/**
 * The chapter's two excerpts. §1.5 step 1 shows only `spec.config.observability` of "the
 * Knative Serving CR", without its namespace: applied as it stands it would land in
 * `default` (which the operator's webhook refuses) and, through kubectl's three-way merge,
 * drop the ingress and deployment settings applied before; the whole object is the
 * KnativeServing of §1.4.3 with the observability setting added. §1.5 step 3 asks to
 * "modify and reapply the default Service Mesh control plane in istio-system so that it
 * includes the following spec": the SMCP of §1.4.2 with that spec laid over it.
 */
export function serverlessExcerpt(step: SeedYaml, yaml: string): ReturnType<NonNullable<WalkOptions['excerptOf']>> {
  if (!step.excerpt) return undefined;
  const doc = parse(yaml.replace(/^\.\.\.$/gm, '')) as { kind?: string; metadata?: { namespace?: string }; spec?: { proxy?: unknown } } | null;
  if (doc?.kind === 'KnativeServing' && doc.metadata?.namespace === undefined) {
    return { target: { kind: 'KnativeServing', namespace: 'knative-serving', name: 'knative-serving' }, at: [], why: 'excerpt of the KnativeServing of §1.4.3 (no namespace, `...`): applied as that object with the excerpt laid over it' };
  }
  if (doc?.kind === undefined && doc?.spec?.proxy !== undefined) {
    return { target: { kind: 'ServiceMeshControlPlane', namespace: 'istio-system', name: 'basic' }, at: [], why: 'excerpt of the SMCP of §1.4.2 ("so that it includes the following spec"): applied as that object with the excerpt laid over it' };
  }
  return undefined;
}

/** Seed 003's flattened examples rebuilt with the nesting of the indented renderings (000–002). */
export function rebuildFlattened(): (step: SeedYaml) => string {
  const templates = ['000', '001', '002'].flatMap((p) => extractSteps(readSeed(p))).flatMap((s) => (s.type === 'yaml' && !s.flattened ? [s.text] : []));
  const shapes = shapesByKind(templates);
  return (step) => (step.flattened ? reflow(step.text, shapes) : step.text);
}

/**
 * The warnings kubectl prints while the chapter is applied. The first two are skiff's own, for
 * the two examples a real cluster refuses (seeds/README.md, kinds.md §4 Q1–Q2): each names
 * the problem and the form that works. The others are what the real systems print: istiod's
 * webhook for a TCP ServiceEntry without addresses, Knative's webhook for a container
 * without a securityContext.
 */
export const KAFKA_SINK_WARNING = 'spec.broker.sink is not a KnativeKafka field (OpenShift Serverless rejects it: unknown field "spec.broker.sink"); skiff applied it as spec.sink.enabled: true. Move it to the top level of spec: "sink: {enabled: true}" (spec.sink.enabled).';
const DUPLICATE_PORT = (index: number, name: string, port: number) =>
  `spec.ports[${index}].name: service entry port name "${name}" already defined; skiff accepts it, but istiod rejects a ServiceEntry with repeated ports in mesh member namespaces: give every port its own name, e.g. "${name}-${port}"`;
export const SERVICE_ENTRY_ADDRESSES_WARNING = 'addresses are required for ports serving TCP (or unset) protocol';
export const DUPLICATE_PORT_WARNINGS = [DUPLICATE_PORT(3, 'tcp-sasl-tls', 9095), DUPLICATE_PORT(4, 'tcp-tls', 9096)];
export const KNATIVE_SECURITY_CONTEXT_WARNING = 'Kubernetes default value is insecure, Knative may default this to secure in a future release: spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation, spec.template.spec.containers[0].securityContext.capabilities, spec.template.spec.containers[0].securityContext.runAsNonRoot, spec.template.spec.containers[0].securityContext.seccompProfile';
