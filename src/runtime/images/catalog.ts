/**
 * The image catalog: what an image reference runs on this machine. There is no container
 * runtime, so an "image" is a program: one of skiff's built-in programs (src/images/), or a
 * host command (a shell for busybox-like images, an interpreter for language images, or
 * whatever the user maps in `<dataDir>/images.yaml`). User mappings are tried first, then
 * the built-in entries below; no match is an image that cannot be pulled.
 *
 * Each entry has the image's ENTRYPOINT and CMD, so `command`/`args` override them as in
 * Docker and Kubernetes. A built-in program lives at `/skiff/bin/<program>` "inside the
 * image": an argv that starts with that path runs the program, any other argv runs on the
 * host (as if the image carried the host's tools).
 */
import { createHash } from 'node:crypto';
import { componentOfImage } from '../../images/knative-component/components.ts';
import { imageBaseName, imageMatches, type ImageRef, parseImageRef } from './image-ref.ts';

/** The built-in programs in src/images/<name>/main.ts. */
export const BUILTIN_PROGRAMS = ['helloworld', 'echo', 'event-display', 'istio-proxy', 'pilot', 'queue-proxy', 'knative-component', 'kube-rbac-proxy'] as const;
export type BuiltinProgram = (typeof BUILTIN_PROGRAMS)[number];

export interface ImageConfig {
  entrypoint: string[];
  cmd: string[];
  /** Environment the image sets (container env overrides it). */
  env?: Record<string, string>;
  workingDir?: string;
}

export interface CatalogEntry {
  name: string;
  description: string;
  /** Image names documented for this entry. */
  examples: string[];
  matches(ref: ImageRef): boolean;
  config: ImageConfig;
}

export interface ResolvedImage {
  ref: ImageRef;
  /** The catalog entry or mapping that matched. */
  entry: string;
  source: 'builtin' | 'mapping';
  config: ImageConfig;
  /** `sha256:…` of what runs, for status.containerStatuses[].imageID. */
  digest: string;
}

/** What a container runs: a built-in program with arguments, or a host argv. */
export type ContainerProgram =
  | { kind: 'builtin'; program: BuiltinProgram; args: string[] }
  | { kind: 'host'; argv: string[] };

export const BUILTIN_BIN_DIR = '/skiff/bin';

const base = (...names: string[]) => (ref: ImageRef) => names.includes(imageBaseName(ref));
const builtin = (program: BuiltinProgram, cmd: string[] = []): ImageConfig => ({ entrypoint: [`${BUILTIN_BIN_DIR}/${program}`], cmd });
const shell = (cmd: string): ImageConfig => ({ entrypoint: [], cmd: [cmd] });

/** pause: sleeps until told to stop, then exits 0 (as registry.k8s.io/pause does on SIGTERM). */
const PAUSE_SCRIPT = 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done';

export function builtinCatalog(): CatalogEntry[] {
  return [
    {
      name: 'helloworld',
      description: 'Knative\'s hello-world sample: answers every request with `Hello <TARGET>!` (env TARGET, default World) on $PORT.',
      examples: ['gcr.io/knative-samples/helloworld-go', 'ghcr.io/knative/helloworld-go', 'quay.io/openshift-knative/helloworld-go', 'any image whose name contains `helloworld`'],
      matches: (ref) => ref.repository.toLowerCase().includes('helloworld'),
      config: builtin('helloworld'),
    },
    {
      name: 'echo',
      description: 'An httpbin-style echo server on $PORT: `/` and `/anything` echo the request as JSON; `/get`, `/post`, `/headers`, `/ip`, `/user-agent`, `/status/<code>`, `/delay/<seconds>`, `/healthz`; hashicorp/http-echo\'s `-text=…` and `-listen=…` flags.',
      examples: ['mccutchen/go-httpbin', 'kennethreitz/httpbin', 'hashicorp/http-echo', 'ealen/echo-server', 'jmalloc/echo-server', 'registry.k8s.io/echoserver', 'skiff/echo'],
      matches: base('httpbin', 'go-httpbin', 'http-echo', 'echo-server', 'echoserver', 'echo'),
      config: builtin('echo'),
    },
    {
      name: 'event-display',
      description: 'Knative Eventing\'s event_display: receives CloudEvents over HTTP (binary and structured mode) on $PORT and logs each one in the CloudEvents SDK format.',
      examples: ['gcr.io/knative-releases/knative.dev/eventing/cmd/event_display', 'quay.io/openshift-knative/knative-eventing-sources-event-display', 'any image whose name ends in `event_display` or `event-display`'],
      matches: (ref) => /event[-_]display$/.test(imageBaseName(ref)),
      config: builtin('event-display'),
    },
    {
      name: 'proxyv2',
      description: 'Istio\'s proxy image (pilot-agent): readiness on 15021 `/healthz/ready`, the status port 15020 (`/healthz/ready`, `/app-health/<container>/<probe>` running the app probes the injector moved there, `/stats/prometheus`). Injected sidecars and the mesh gateways run it.',
      examples: ['registry.redhat.io/openshift-service-mesh/proxyv2-rhel8', 'docker.io/istio/proxyv2', 'maistra/proxyv2-ubi8', 'any image whose name ends in `/proxyv2` or contains `proxyv2-`'],
      matches: (ref) => imageBaseName(ref) === 'proxyv2' || ref.repository.includes('proxyv2-'),
      config: builtin('istio-proxy'),
    },
    {
      name: 'pilot',
      description: 'Stands for istiod (the control plane runs inside skiff): readiness `/ready` on 8080, `/metrics` on 15014.',
      examples: ['registry.redhat.io/openshift-service-mesh/pilot-rhel8', 'docker.io/istio/pilot', 'maistra/pilot-ubi8'],
      matches: (ref) => /^pilot(-rhel\d+|-ubi\d+)?$/.test(imageBaseName(ref)),
      config: builtin('pilot'),
    },
    {
      name: 'queue-proxy',
      description: 'Knative\'s queue-proxy, the sidecar of every revision pod: proxies :8012 to the user container ($USER_PORT) with containerConcurrency as a hard limit, runs the user\'s readiness probe, answers the ingress\'s network probes, serves the autoscaler\'s metrics on :9090 and request metrics on :9091, and `/wait-for-drain` on :8022.',
      examples: ['gcr.io/knative-releases/knative.dev/serving/cmd/queue', 'registry.redhat.io/openshift-serverless-1/serving-queue-rhel8', 'any image whose name contains `serving/cmd/queue` or `serving-queue`'],
      matches: (ref) => ref.repository.includes('serving/cmd/queue') || ref.repository.includes('serving-queue'),
      config: builtin('queue-proxy'),
    },
    {
      name: 'kube-rbac-proxy',
      description: 'brancz/kube-rbac-proxy (OpenShift\'s ose-kube-rbac-proxy): HTTPS on --secure-listen-address that proxies to --upstream only callers whose bearer token passes a TokenReview and whose SubjectAccessReview (the request\'s path and verb) is allowed; 401/403 as upstream. A listen host of 0.0.0.0 is the pod\'s address, an upstream on 127.0.0.1/localhost the pod\'s own containers ($SKIFF_APP_ADDRESS).',
      examples: ['registry.redhat.io/openshift4/ose-kube-rbac-proxy', 'quay.io/brancz/kube-rbac-proxy', 'gcr.io/kubebuilder/kube-rbac-proxy', 'any image whose name contains `kube-rbac-proxy`'],
      matches: (ref) => ref.repository.toLowerCase().includes('kube-rbac-proxy'),
      // The service account directory is named in the image's environment so that the
      // runtime rewrites it to the pod's mounted volume (a built-in program sees volumes
      // only through paths it is given).
      config: { ...builtin('kube-rbac-proxy'), env: { SKIFF_SERVICE_ACCOUNT_DIR: '/var/run/secrets/kubernetes.io/serviceaccount' } },
    },
    {
      name: 'knative-component',
      description: 'Stands for a Knative control-plane pod (activator, autoscaler, controller, webhook, net-istio-controller/webhook, net-kourier-controller) whose work runs inside skiff: the probe, webhook and metrics listeners the upstream Deployment expects. The activator binds nothing: skiff\'s activator data plane listens on its pod\'s :8012 and :9090.',
      examples: ['gcr.io/knative-releases/knative.dev/serving/cmd/activator', 'gcr.io/knative-releases/knative.dev/net-istio/cmd/controller', 'registry.redhat.io/openshift-serverless-1/serving-autoscaler-rhel8'],
      matches: (ref) => componentOfImage(`${ref.registry}/${ref.repository}`) !== undefined,
      config: { entrypoint: [`${BUILTIN_BIN_DIR}/knative-component`], cmd: [] },
    },
    {
      name: 'kourier-gateway',
      description: 'Stands for Kourier\'s Envoy (the `3scale-kourier-gateway` pod): binds nothing and sleeps until stopped; skiff\'s Kourier data plane listens on the pod\'s :8080 (external), :8081 (internal, also the readiness probe `/ready`) and :8443 (HTTPS).',
      examples: ['docker.io/envoyproxy/envoy', 'envoyproxy/envoy-distroless', 'any image whose name ends in `/envoy` or `kourier-gateway`'],
      matches: (ref) => /^envoy(-distroless)?$/.test(imageBaseName(ref)) || imageBaseName(ref).includes('kourier-gateway'),
      config: { entrypoint: ['/bin/sh', '-c', PAUSE_SCRIPT, 'kourier-gateway'], cmd: [] },
    },
    {
      name: 'pause',
      description: 'Sleeps until it is stopped; exits 0 on SIGTERM.',
      examples: ['registry.k8s.io/pause', 'k8s.gcr.io/pause'],
      matches: base('pause'),
      config: { entrypoint: ['/bin/sh', '-c', PAUSE_SCRIPT, 'pause'], cmd: [] },
    },
    {
      name: 'busybox',
      description: 'Shell images: `command`/`args` run on the host; without them the image\'s shell starts (and exits at once, its stdin being empty).',
      examples: ['busybox', 'alpine'],
      matches: base('busybox', 'alpine'),
      config: shell('sh'),
    },
    {
      name: 'linux-distribution',
      description: 'Distribution images whose default command is bash.',
      examples: ['ubuntu', 'debian', 'fedora', 'centos', 'rockylinux', 'almalinux', 'registry.access.redhat.com/ubi8/ubi-minimal', 'registry.access.redhat.com/ubi9/ubi'],
      matches: base('ubuntu', 'debian', 'fedora', 'centos', 'rockylinux', 'almalinux', 'amazonlinux', 'ubi', 'ubi-minimal', 'ubi-micro', 'ubi-init', 'toolbox', 'tools'),
      config: shell('bash'),
    },
    {
      name: 'curl',
      description: 'curl as the entrypoint: `args` are curl\'s arguments.',
      examples: ['curlimages/curl'],
      matches: base('curl'),
      config: { entrypoint: ['curl'], cmd: ['--help'] },
    },
    {
      name: 'node',
      description: 'Node.js images: `node` on the host (the same Node that runs skiff).',
      examples: ['node', 'node:20-alpine'],
      matches: base('node'),
      config: { entrypoint: [], cmd: [process.execPath] },
    },
    {
      name: 'python',
      description: 'Python images: `python3` on the host.',
      examples: ['python', 'python:3.12-slim'],
      matches: base('python'),
      config: { entrypoint: [], cmd: ['python3'] },
    },
  ];
}

export interface UserMapping {
  /** Glob over the image as written or normalised (see imageMatches). */
  image: string;
  config: ImageConfig;
}

export function resolveImage(image: string, mappings: readonly UserMapping[], catalog: readonly CatalogEntry[] = builtinCatalog()): ResolvedImage | undefined {
  const ref = parseImageRef(image);
  const mapped = mappings.find((m) => imageMatches(m.image, ref));
  if (mapped) return { ref, entry: mapped.image, source: 'mapping', config: mapped.config, digest: digestOf(mapped.config) };
  const entry = catalog.find((e) => e.matches(ref));
  if (entry) return { ref, entry: entry.name, source: 'builtin', config: entry.config, digest: digestOf(entry.config) };
  return undefined;
}

/** Docker's rule: `command` replaces ENTRYPOINT (and drops CMD); `args` replaces CMD. */
export function containerArgv(config: ImageConfig, command: readonly string[] | undefined, args: readonly string[] | undefined): string[] {
  if (command && command.length > 0) return [...command, ...(args ?? [])];
  return [...config.entrypoint, ...(args && args.length > 0 ? args : config.cmd)];
}

/** Splits an argv into a built-in program run or a host command. */
export function programFor(argv: readonly string[]): ContainerProgram {
  const first = argv[0] ?? '';
  for (const program of BUILTIN_PROGRAMS) {
    if (first === `${BUILTIN_BIN_DIR}/${program}`) return { kind: 'builtin', program, args: argv.slice(1) };
  }
  return { kind: 'host', argv: [...argv] };
}

function digestOf(config: ImageConfig): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(config)).digest('hex')}`;
}
