import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldErrors } from '../field-error.ts';
import type { KubeObject } from '../object.ts';
import { routeKinds } from './index.ts';
import { defaultRoute } from './route-defaults.ts';
import { routeWarnings, validateRoute } from './route-validation.ts';

function route(spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'hello', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec };
}

/** Defaulting then validation, as openshift-apiserver runs them on create. */
function created(spec: Record<string, unknown>): string[] {
  const r = route(spec);
  defaultRoute(r);
  return validateRoute(r, { operation: 'create' }).map((e) => formatFieldErrors([e]));
}

test('identity: an aggregated API in the all category, printed by its own table', () => {
  const [def] = routeKinds();
  assert.ok(def);
  assert.deepEqual([def.group, def.kind, def.plural, def.singular, def.listKind, def.scope], ['route.openshift.io', 'Route', 'routes', 'route', 'RouteList', 'Namespaced']);
  assert.deepEqual([...def.shortNames], []);
  assert.deepEqual([...def.categories], ['all']);
  assert.deepEqual(def.versions.map((v) => [v.name, v.served, v.storage, v.printerColumns]), [['v1', true, true, undefined]]);
  assert.deepEqual(def.subresources, { status: true });
  assert.equal(def.builtin, false);
  assert.ok(def.table);
  // The stored schema is the field set only: openshift-apiserver validates in Go.
  const spec = def.versions[0]!.schema.properties?.spec;
  assert.equal(spec?.required, undefined);
  assert.equal(spec?.properties?.tls?.properties?.termination?.enum, undefined);
  assert.equal(spec?.properties?.port?.properties?.targetPort?.['x-kubernetes-int-or-string'], true);
});

test('defaults: Service backends weighing 100, wildcard policy None, edge termination', () => {
  const r = route({ to: { name: 'a' }, alternateBackends: [{ name: 'b' }, { name: 'c', weight: 0 }], tls: { termination: 'Passthrough' } });
  r.status = { ingress: [{ host: 'x' }] };
  defaultRoute(r);
  assert.deepEqual(r.spec, {
    to: { name: 'a', kind: 'Service', weight: 100 },
    alternateBackends: [{ name: 'b', kind: 'Service', weight: 100 }, { name: 'c', kind: 'Service', weight: 0 }],
    tls: { termination: 'passthrough' },
    wildcardPolicy: 'None',
  });
  assert.deepEqual(r.status, { ingress: [{ host: 'x', wildcardPolicy: 'None' }] });
  const edge = route({ to: { name: 'a' }, tls: {} });
  defaultRoute(edge);
  assert.deepEqual((edge.spec as { tls: unknown }).tls, { termination: 'edge' });
  const reencrypt = route({ to: { name: 'a' }, tls: { destinationCACertificate: 'pem' } });
  defaultRoute(reencrypt);
  assert.deepEqual((reencrypt.spec as { tls: unknown }).tls, { destinationCACertificate: 'pem' });
});

test('a valid route passes', () => {
  assert.deepEqual(created({ host: 'hello-default.apps.openshift.example.com', to: { name: 'kourier' }, port: { targetPort: 'https' }, tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' } }), []);
});

test('host, path and backends', () => {
  assert.deepEqual(created({ host: 'Bad_Host', path: 'api', to: { kind: 'Pod', weight: 300 } }), [
    'spec.host: Invalid value: "Bad_Host": host must conform to DNS 952 subdomain conventions',
    "spec.host: Invalid value: \"Bad_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.path: Invalid value: "api": path must begin with /',
    'spec.to.name: Required value',
    'spec.to.kind: Invalid value: "Pod": must reference a Service',
    'spec.to.weight: Invalid value: 300: weight must be an integer between 0 and 256',
  ]);
  assert.deepEqual(created({ to: { name: 'a' }, alternateBackends: [{ name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'e' }], port: { targetPort: 0 } }), [
    'spec.alternateBackends: Required value: cannot specify more than 3 alternate backends',
    'spec.port.targetPort: Required value',
  ]);
  assert.deepEqual(created({ wildcardPolicy: 'Subdomain', to: { name: 'a' } }), ['spec.wildcardPolicy: Invalid value: "Subdomain": host name not specified for wildcard policy']);
  assert.deepEqual(created({ wildcardPolicy: 'All', host: 'a.b', to: { name: 'a' } }), ['spec.wildcardPolicy: Unsupported value: "All": supported values: "None", "Subdomain"']);
});

test('the non-DNS-compliant-host annotation relaxes the label check only', () => {
  const long = `${'a'.repeat(64)}.example.com`;
  const r = route({ host: long, to: { name: 'a' } }, { 'route.openshift.io/allow-non-dns-compliant-host': 'true' });
  defaultRoute(r);
  assert.deepEqual(validateRoute(r, { operation: 'create' }), []);
});

test('TLS termination and insecure edge policy', () => {
  assert.deepEqual(created({ to: { name: 'a' }, tls: { termination: 'tunnel' } }), [
    'spec.tls.termination: Unsupported value: "tunnel": supported values: "edge", "passthrough", "reencrypt"',
  ]);
  assert.deepEqual(created({ to: { name: 'a' }, tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Allow' } }), [
    'spec.tls.insecureEdgeTerminationPolicy: Invalid value: "Allow": invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Redirect, or empty',
  ]);
  assert.deepEqual(created({ to: { name: 'a' }, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Sometimes' } }), [
    'spec.tls.insecureEdgeTerminationPolicy: Invalid value: "Sometimes": invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Allow, Redirect, or empty',
  ]);
  assert.deepEqual(created({ path: '/x', to: { name: 'a' }, tls: { termination: 'passthrough', certificate: 'pem' } }), [
    'spec.path: Invalid value: "/x": passthrough termination does not support paths',
    'spec.tls.certificate: Invalid value: "redacted certificate data": passthrough termination does not support certificates',
  ]);
  assert.deepEqual(created({ to: { name: 'a' }, tls: { termination: 'edge', destinationCACertificate: 'pem' } }), [
    'spec.tls.destinationCACertificate: Invalid value: "redacted destination ca certificate data": edge termination does not support destination certificates',
  ]);
});

test('header actions', () => {
  const actions = (request: unknown[], tls?: Record<string, unknown>): string[] => created({ to: { name: 'a' }, httpHeaders: { actions: { request } }, ...(tls ? { tls } : {}) });
  assert.deepEqual(actions([{ name: 'X-Trace', action: { type: 'Set', set: { value: '%[req.hdr(X-Id),lower]' } } }, { name: 'X-Drop', action: { type: 'Delete' } }]), []);
  assert.deepEqual(actions([{ name: 'Cookie', action: { type: 'Delete' } }, { name: 'X-A', action: { type: 'Set' } }]), [
    'spec.httpHeaders.actions.request[0].name: Forbidden: the following headers may not be modified using this API: strict-transport-security, proxy, cookie, set-cookie',
    'spec.httpHeaders.actions.request[1].action.set: Required value: set is required when type is Set, and forbidden otherwise',
  ]);
  assert.deepEqual(actions([{ name: 'X-A', action: { type: 'Delete' } }], { termination: 'passthrough' }), [
    'spec.tls.termination: Invalid value: "passthrough": only edge and re-encrypt routes are supported for providing customized headers.',
  ]);
});

test('updates: the wildcard policy is immutable; status updates are not validated', () => {
  const old = route({ host: 'a.example.com', to: { name: 'a' } });
  defaultRoute(old);
  const changed = route({ host: 'a.example.com', to: { name: 'a' }, wildcardPolicy: 'Subdomain' });
  defaultRoute(changed);
  assert.deepEqual(validateRoute(changed, { operation: 'update', old }).map((e) => formatFieldErrors([e])), ['spec.wildcardPolicy: Invalid value: "Subdomain": field is immutable']);
  assert.deepEqual(validateRoute(route({}), { operation: 'status', old }), []);
});

test('warning when both host and subdomain are set', () => {
  assert.deepEqual(routeWarnings(route({ host: 'a.b', subdomain: 'a', to: { name: 'a' } })), ['spec.host is set; spec.subdomain may be ignored']);
  assert.deepEqual(routeWarnings(route({ host: 'a.b', to: { name: 'a' } })), []);
});
