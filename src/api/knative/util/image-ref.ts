/**
 * Whether a container image reference parses the way Knative's webhook checks it
 * (go-containerregistry v0.13 `name.ParseReference` with weak validation): a tag reference
 * `[registry/]repo[:tag]` or a digest reference `[registry/]repo[:tag]@sha256:<64 hex>`.
 * A registry is the first path segment when it contains '.' or ':'; repositories are lower
 * case, 2–255 characters.
 */
const REPOSITORY_CHARS = /^[a-z0-9_\-./]{2,255}$/;
const TAG_CHARS = /^[A-Za-z0-9_\-.]{1,128}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function validRegistry(registry: string): boolean {
  if (registry === '') return true; // defaults to Docker Hub under weak validation
  if (registry.includes('://')) return false;
  // url.Parse("//" + registry).Host must give the registry back unchanged.
  try {
    const u = new URL(`http://${registry}`);
    const host = u.port === '' ? u.hostname : `${u.hostname}:${u.port}`;
    return u.pathname === '/' && u.search === '' && u.hash === '' && u.username === '' && host.toLowerCase() === registry.toLowerCase();
  } catch {
    return false;
  }
}

function validRepository(name: string): boolean {
  if (name === '') return false;
  const slash = name.indexOf('/');
  let registry = '';
  let repo = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':')) {
      registry = first;
      repo = name.slice(slash + 1);
    }
  }
  return REPOSITORY_CHARS.test(repo) && validRegistry(registry);
}

function validTagReference(ref: string): boolean {
  const parts = ref.split(':');
  let base = ref;
  const last = parts[parts.length - 1]!;
  // A final ':' segment holding a '/' is a registry port, not a tag.
  if (parts.length > 1 && !last.includes('/')) {
    base = parts.slice(0, -1).join(':');
    if (last.length > 0 && !TAG_CHARS.test(last)) return false;
  }
  return validRepository(base);
}

function validDigestReference(ref: string): boolean {
  const parts = ref.split('@');
  if (parts.length !== 2) return false;
  return DIGEST.test(parts[1]!) && validTagReference(parts[0]!);
}

/** undefined when the reference parses; otherwise go-containerregistry's error text. */
export function imageReferenceError(ref: string): string | undefined {
  if (validTagReference(ref) || validDigestReference(ref)) return undefined;
  return `could not parse reference: ${ref}`;
}
