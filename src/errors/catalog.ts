/**
 * The one catalog of skiff's error codes. Every user-facing failure carries one of these
 * codes; `docs/errors.md` lists them all (a test keeps the page and this table in step).
 *
 * Codes are stable: never renumber or reuse one. A retired code stays here with
 * `retired: true` so that nobody hands it out again.
 */
export interface ErrorSpec {
  /** HTTP status the API server answers with when this error reaches a client. */
  readonly status: number;
  /** Kubernetes `Status.reason` for API errors (NotFound, Invalid, …). */
  readonly reason: string;
  /** One line: what went wrong, in general terms. */
  readonly summary: string;
  /** What the user should do about it. */
  readonly hint: string;
  readonly retired?: boolean;
}

export const ERRORS = {
  // ── API: request shape ────────────────────────────────────────────────────────────
  SKF_API_BAD_REQUEST: { status: 400, reason: 'BadRequest', summary: 'The request is malformed.', hint: 'Check the request body and query parameters.' },
  SKF_API_MALFORMED_BODY: { status: 400, reason: 'BadRequest', summary: 'The request body is not valid JSON, YAML or Kubernetes protobuf, or is not a single object.', hint: 'Fix the syntax at the position the message names, then send it again.' },
  SKF_API_UNKNOWN_FIELD: { status: 400, reason: 'BadRequest', summary: 'The object has a field its schema does not define (strict field validation).', hint: 'Remove or correct the field, check it with `kubectl explain`, or use --validate=warn to drop it with a warning.' },
  SKF_API_BODY_TOO_LARGE: { status: 413, reason: 'RequestEntityTooLarge', summary: 'The request body is larger than the 3 MiB limit, or a JSON patch has more than 10000 operations.', hint: 'Split the object or the patch, or keep large data outside the API (objects must stay under 1.5 MiB as in etcd).' },
  SKF_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, reason: 'UnsupportedMediaType', summary: 'The request body content type is not accepted for this operation, or a protobuf body holds a kind or field skiff does not decode.', hint: 'Use application/json; for PATCH use json-patch, merge-patch, strategic-merge-patch (built-in kinds) or apply-patch+yaml; for a refused protobuf body run the kubectl command with `--dry-run=client -o yaml | kubectl apply -f -`.' },
  SKF_API_NOT_ACCEPTABLE: { status: 406, reason: 'NotAcceptable', summary: 'None of the requested response media types can be produced.', hint: 'Accept application/json.' },
  SKF_API_METHOD_NOT_ALLOWED: { status: 405, reason: 'MethodNotAllowed', summary: 'This resource does not support the HTTP method used.', hint: 'See `kubectl api-resources -o wide` for the verbs each resource supports.' },
  SKF_API_BAD_SELECTOR: { status: 400, reason: 'BadRequest', summary: 'A label or field selector could not be parsed or uses an unsupported field.', hint: 'Use key=value, key!=value, key in (a,b), key notin (a,b), key or !key; field selectors support metadata.name and metadata.namespace plus the fields a kind documents.' },
  SKF_API_BAD_PATCH: { status: 422, reason: 'Invalid', summary: 'The patch could not be applied to the object.', hint: 'Check the patch against the current object (`kubectl get -o yaml`).' },
  // ── API: authentication ──────────────────────────────────────────────────────────
  SKF_API_UNAUTHORIZED: { status: 401, reason: 'Unauthorized', summary: 'The request carries no valid credentials.', hint: 'Use the kubeconfig skiff wrote (`skiff kubeconfig` prints its path).' },
  // ── API: object state ────────────────────────────────────────────────────────────
  SKF_API_NOT_FOUND: { status: 404, reason: 'NotFound', summary: 'The object or resource does not exist.', hint: 'Check the name, namespace and kind (`kubectl get <kind> -A`).' },
  SKF_API_ALREADY_EXISTS: { status: 409, reason: 'AlreadyExists', summary: 'An object with this name already exists.', hint: 'Use `kubectl apply` to update it, or choose another name.' },
  SKF_API_CONFLICT: { status: 409, reason: 'Conflict', summary: 'The object changed since it was read (resourceVersion mismatch) or another field manager owns the fields.', hint: 'Read the latest version and retry; for server-side apply conflicts use --force-conflicts if you mean to take ownership.' },
  SKF_API_INVALID: { status: 422, reason: 'Invalid', summary: 'The object fails validation.', hint: 'Fix every field the message lists; `kubectl explain <kind>.<field>` shows the schema.' },
  SKF_API_GONE: { status: 410, reason: 'Expired', summary: 'The requested resourceVersion or continue token is older than the retained history.', hint: 'List again without a resourceVersion and watch from the list\'s resourceVersion.' },
  SKF_API_FORBIDDEN: { status: 403, reason: 'Forbidden', summary: 'The operation is not allowed in the object\'s current state.', hint: 'Read the message: e.g. a terminating namespace accepts no new objects.' },
  SKF_API_INTERNAL: { status: 500, reason: 'InternalError', summary: 'An unexpected error occurred inside skiff.', hint: 'This is a bug: report it with the skiff log (the message carries the detail).' },
  SKF_API_TIMEOUT: { status: 504, reason: 'Timeout', summary: 'The operation did not finish in time.', hint: 'Retry; if it keeps happening check `skiff status`.' },
  // ── Store ────────────────────────────────────────────────────────────────────────
  SKF_STORE_KEY_EXISTS: { status: 409, reason: 'AlreadyExists', summary: 'The store already holds this key.', hint: 'Internal to the API server; surfaces as SKF_API_ALREADY_EXISTS.' },
  SKF_STORE_NOT_FOUND: { status: 404, reason: 'NotFound', summary: 'The store holds no such key.', hint: 'Internal to the API server; surfaces as SKF_API_NOT_FOUND.' },
  SKF_STORE_CONFLICT: { status: 409, reason: 'Conflict', summary: 'The key was modified since the expected revision.', hint: 'Internal to the API server; surfaces as SKF_API_CONFLICT.' },
  SKF_STORE_COMPACTED: { status: 410, reason: 'Expired', summary: 'The requested revision has been compacted away.', hint: 'Relist and watch from the new revision.' },
  SKF_STORE_CORRUPT: { status: 500, reason: 'InternalError', summary: 'The data directory\'s log or snapshot is damaged beyond the torn tail that recovery drops.', hint: 'Restore the data directory from a backup, or move it away to start empty.' },
  SKF_STORE_UNAVAILABLE: { status: 503, reason: 'ServiceUnavailable', summary: 'The store cannot be reached.', hint: 'For etcd check the --store URL and that etcd is running; for the embedded store check the data directory\'s disk.' },
  SKF_STORE_BAD_URL: { status: 400, reason: 'BadRequest', summary: 'The --store URL is not understood.', hint: 'Use `embedded` (default) or `etcd://HOST:PORT[,HOST:PORT…]`.' },
  SKF_STORE_FUTURE_REVISION: { status: 504, reason: 'Timeout', summary: 'The requested revision is newer than the store\'s current revision.', hint: 'Use a resourceVersion the server handed out, or read without one.' },
  // ── CLI and lifecycle ────────────────────────────────────────────────────────────
  SKF_CLI_DATA_DIR_IN_USE: { status: 409, reason: 'Conflict', summary: 'Another skiff is already running on this data directory.', hint: 'Stop it with `skiff down --data-dir DIR`, or pass another --data-dir.' },
  SKF_CLI_NOT_RUNNING: { status: 503, reason: 'ServiceUnavailable', summary: 'No skiff is running on this data directory.', hint: 'Start one with `skiff up --data-dir DIR` (or `npm start`).' },
  SKF_CLI_BAD_ARGUMENT: { status: 400, reason: 'BadRequest', summary: 'A command-line argument is invalid.', hint: 'See `skiff <command> --help`.' },
  SKF_CLI_PORT_IN_USE: { status: 409, reason: 'Conflict', summary: 'A port skiff needs is already taken.', hint: 'Pass another port (e.g. --api-port), or stop the program holding it.' },
  SKF_CLI_STOP_TIMEOUT: { status: 504, reason: 'Timeout', summary: 'skiff did not stop within the --timeout of `skiff down`.', hint: 'Check its log for what it is waiting on and run `skiff down` again with a longer --timeout; as a last resort kill the pid (the next `skiff up` recovers).' },
  SKF_CLI_API_UNREACHABLE: { status: 503, reason: 'ServiceUnavailable', summary: 'A skiff runs on this data directory but its API does not answer.', hint: 'Check the skiff log (stderr of `skiff up`); `skiff status` shows which component is unhealthy.' },
  // ── Cluster PKI ──────────────────────────────────────────────────────────────────
  SKF_PKI_CA_INVALID: { status: 500, reason: 'InternalError', summary: 'The cluster CA in the data directory is missing a file, unreadable, or its key does not match its certificate.', hint: 'Restore DIR/pki/ca.crt and ca.key from a backup; or move DIR/pki away to create a new CA (kubeconfigs and certificates issued by the old one stop working).' },
  SKF_PKI_CA_EXPIRED: { status: 500, reason: 'InternalError', summary: 'The cluster CA certificate has expired or is not yet valid.', hint: 'Check the system clock; if the CA really expired, move DIR/pki away to create a new one (kubeconfigs and certificates issued by the old one stop working).' },
  // ── Knative admission ────────────────────────────────────────────────────────────
  SKF_KNATIVE_ADMISSION_DENIED: { status: 400, reason: 'BadRequest', summary: 'A Knative validating webhook denied the object (the message is Knative\'s own, after "validation failed:").', hint: 'Fix each field the message names (paths follow the colon); Knative\'s rules are in docs/kinds-knative.md and knative.dev/docs.' },
  // ── Services ─────────────────────────────────────────────────────────────────────
  SKF_SERVICE_RANGE_FULL: { status: 500, reason: 'InternalError', summary: 'No cluster IP or node port is left to give a new Service (the range is full).', hint: 'Delete Services you no longer need, or start skiff with a larger --service-cluster-ip-range or --service-node-port-range (docs/services.md).' },
  // ── Mesh ─────────────────────────────────────────────────────────────────────────
  SKF_MESH_CA_INVALID: { status: 500, reason: 'InternalError', summary: 'A mesh CA secret (the plug-in `cacerts` or the mesh\'s own `istio-ca-secret`) is incomplete, malformed, expired, not a CA, does not chain to its root, or its key does not match its certificate.', hint: 'Fix the secret in the mesh namespace (Istio\'s plug-in format: ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem; docs/mesh.md), or delete `cacerts` to let the mesh use its own CA.' },
  SKF_CHECK_FAILED: { status: 503, reason: 'ServiceUnavailable', summary: '`skiff check` found at least one failing check (marked ×).', hint: 'Fix what each × line says, following its hint, then run `skiff check` again (`-o json` lists the failures for scripts).' },
  SKF_MESH_GATEWAY_CREDENTIAL: { status: 422, reason: 'Invalid', summary: 'A Gateway server\'s credentialName Secret is missing from the gateway workload\'s namespace, lacks tls.crt and tls.key (or cert and key), holds unparsable PEM, or its key does not match its certificate; that server is skipped.', hint: 'Create or fix the Secret in the gateway workload\'s namespace (istio-system for the default gateways): `kubectl create secret tls <name> -n istio-system --cert=<file> --key=<file>`; MUTUAL also needs ca.crt in it or a `<name>-cacert` Secret.' },
  SKF_MESH_GATEWAY_CONFLICT: { status: 422, reason: 'Invalid', summary: 'Gateways selecting one gateway workload claim a port with different protocols, or a host twice on a TLS port; the newer server is skipped (the oldest Gateway wins, as in Istio).', hint: 'Give the servers different ports or hosts, or merge them into one Gateway; the message names the Gateway that keeps the port or host.' },
  SKF_MESH_CONFIG_IGNORED: { status: 422, reason: 'Invalid', summary: 'Part of a VirtualService, DestinationRule or ServiceEntry cannot be used by the proxies (an unknown destination host or subset, a destination port to choose, an invalid regex, a host another VirtualService owns, an unsupported feature); it is skipped, or requests to it fail.', hint: 'The message names the object and field: fix the reference or the field (`kubectl get <kind> <name> -n <namespace> -o yaml`).' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
