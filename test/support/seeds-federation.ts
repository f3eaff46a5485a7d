/**
 * What seed 004 (Service Mesh federation) needs beyond the walk: its placeholders, which
 * commands are not run and why, the objects `oc create` must not find already there, and its
 * two SMCP excerpts as whole objects.
 */
import { parse } from 'yaml';
import type { SeedCommand, SeedStep, SeedYaml } from './seeds.ts';
import { placeholdersIn } from './seeds.ts';
import type { WalkOptions } from './seeds-walk.ts';

/**
 * Placeholders of commands that the document runs once more after its filled-in example
 * (the values are those of that example). The others (`<ControlPlaneNamespace>`,
 * `<smcp-system>`, `<ExportedServiceSet.yaml>`, …) only appear in a generic form that the
 * document immediately follows with its filled-in example, which is what runs.
 */
export const FEDERATION_PLACEHOLDERS: Readonly<Record<string, string>> = {
  '<PeerMeshExportedTo>': 'green-mesh',
  '<PeerMeshImportedInto>': 'green-mesh',
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The placeholder bindings that make `example` an instance of the generic `command`, or undefined. */
export function instanceOf(command: string, example: string): Record<string, string> | undefined {
  const names = placeholdersIn(command);
  if (names.length === 0) return undefined;
  const pattern = new RegExp(`^${escape(command).replace(/<[^>]+>/g, '(\\S+)')}$`);
  const m = pattern.exec(example);
  if (!m) return undefined;
  const order = command.match(/<[^>]+>/g)!;
  return Object.fromEntries(order.map((name, i) => [name, m[i + 1]!]));
}

/** Why a command of seed 004 is not run: `oc login`, or a generic form followed by its example. */
export function federationSkip(steps: readonly SeedStep[]): (command: SeedCommand) => string | undefined {
  return (command) => {
    if (/^oc login\b/.test(command.text)) return 'logs in to OpenShift: skiff\'s kubeconfig already carries the credentials (kubectl has no login)';
    const next = steps.slice(steps.indexOf(command) + 1).find((s): s is SeedCommand => s.type === 'command');
    if (next && instanceOf(command.text, next.text)) return `generic form of the example on line ${next.line}`;
    return undefined;
  };
}

interface Identity {
  kind: string;
  namespace: string;
  name: string;
}

function identities(text: string): Identity[] {
  return text.split(/^---$/m).map((t) => parse(t) as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((d): d is { kind: string; metadata: { name: string; namespace: string } } => typeof d?.kind === 'string' && typeof d.metadata?.name === 'string' && typeof d.metadata.namespace === 'string')
    .map((d) => ({ kind: d.kind.toLowerCase(), namespace: d.metadata.namespace, name: d.metadata.name }));
}

/**
 * Before `oc create -f FILE`: the examples earlier in the document show the same object (the
 * same name in the same namespace) and the walk applied them, so `create` would find it
 * there; a reader trying the examples deletes it first.
 */
export function federationPrepare(steps: readonly SeedStep[]): (command: SeedCommand) => string[] {
  return (command) => {
    if (!/^oc create\b.*-f\s/.test(command.text)) return [];
    const at = steps.indexOf(command);
    const example = steps.slice(0, at).reverse().find((s): s is SeedYaml => s.type === 'yaml');
    if (!example) return [];
    const earlier = steps.slice(0, steps.indexOf(example)).filter((s): s is SeedYaml => s.type === 'yaml' && s.shape === 'object').flatMap((s) => identities(s.text));
    return identities(example.text)
      .filter((id) => earlier.some((e) => e.kind === id.kind && e.namespace === id.namespace && e.name === id.name))
      .map((id) => `kubectl delete -n ${id.namespace} ${id.kind} ${id.name}`);
  };
}

const RED_MESH = { kind: 'ServiceMeshControlPlane', namespace: 'red-mesh-system', name: 'red-mesh' };

/**
 * Seed 004's two SMCP excerpts. The NodePort example shows only the `gateways` part of a spec:
 * red-mesh's SMCP with its ingress for green-mesh exposed through a NodePort. The trust-domain
 * example shows red-mesh's SMCP without apiVersion (kubectl cannot apply it as it stands), and
 * applied alone it would drop the gateways through kubectl's three-way merge.
 */
export const federationExcerpt: NonNullable<WalkOptions['excerptOf']> = (step, yaml) => {
  const doc = parse(yaml) as Record<string, unknown> | null;
  if (step.shape === 'fragment' && doc && Object.keys(doc)[0] === 'gateways') {
    return { target: RED_MESH, at: ['spec'], why: 'the `gateways` part of red-mesh\'s SMCP spec, with a NodePort ingress for green-mesh' };
  }
  if (step.shape === 'object' && doc?.kind === 'ServiceMeshControlPlane' && doc.apiVersion === undefined) {
    return { target: RED_MESH, at: [], why: 'red-mesh\'s SMCP shown without apiVersion: the trust-domain part of the object applied before' };
  }
  return undefined;
};
