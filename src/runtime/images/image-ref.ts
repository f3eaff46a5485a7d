/**
 * Image references as container runtimes read them (distribution/reference's normalised
 * form): `nginx` is `docker.io/library/nginx:latest`; the first path component is a
 * registry when it has a dot or a port or is `localhost`; a digest replaces the default tag.
 */
export interface ImageRef {
  /** As written in the pod spec. */
  raw: string;
  /** e.g. `docker.io`, `gcr.io`. */
  registry: string;
  /** e.g. `library/nginx`, `knative-samples/helloworld-go`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** registry/repository[:tag][@digest], with `latest` when neither is given. */
  normalized: string;
}

const DEFAULT_REGISTRY = 'docker.io';

export function parseImageRef(raw: string): ImageRef {
  let rest = raw.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = DEFAULT_REGISTRY;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) registry = parts.shift()!;
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (tag === undefined && digest === undefined) tag = 'latest';
  const normalized = `${registry}/${repository}${tag !== undefined ? `:${tag}` : ''}${digest !== undefined ? `@${digest}` : ''}`;
  return { raw, registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}), normalized };
}

/** The last path component without tag or digest: `helloworld-go` for `gcr.io/knative-samples/helloworld-go:v1`. */
export function imageBaseName(ref: ImageRef): string {
  return ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
}

/**
 * Glob match for image patterns: `*` matches any run of characters (slashes included), `?`
 * one character; everything else is literal. A pattern matches when it matches the image as
 * written or its normalised form.
 */
export function imageMatches(pattern: string, ref: ImageRef): boolean {
  const re = new RegExp(`^${pattern.split('').map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return re.test(ref.raw) || re.test(ref.normalized);
}
