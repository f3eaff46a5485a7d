/**
 * Route defaulting as openshift-apiserver does it (library-go pkg/route/defaulting): the
 * backend kind is Service with weight 100, the wildcard policy None, and TLS terminates
 * at the edge unless a destination CA says otherwise; capitalised terminations are
 * normalised. Host assignment (`<name>-<namespace>.<domain>`) is the API server's job.
 */
import type { KubeObject } from '../object.ts';
import { asArray, asRecord, asString } from '../mesh/fields.ts';
import type { Fields } from '../mesh/fields.ts';

const TERMINATION_SPELLINGS: Readonly<Record<string, string>> = { Edge: 'edge', Reencrypt: 'reencrypt', Passthrough: 'passthrough' };

function defaultBackend(backend: Fields): void {
  if (!asString(backend.kind)) backend.kind = 'Service';
  if (backend.weight === undefined || backend.weight === null) backend.weight = 100;
}

function defaultTls(tls: Fields): void {
  if (!asString(tls.termination) && !asString(tls.destinationCACertificate)) tls.termination = 'edge';
  const normalised = TERMINATION_SPELLINGS[asString(tls.termination) ?? ''];
  if (normalised) tls.termination = normalised;
}

export function defaultRoute(route: KubeObject): void {
  const spec = asRecord(route.spec);
  if (spec) {
    if (!asString(spec.wildcardPolicy)) spec.wildcardPolicy = 'None';
    const to = asRecord(spec.to);
    if (to) defaultBackend(to);
    for (const b of asArray(spec.alternateBackends)) {
      const backend = asRecord(b);
      if (backend) defaultBackend(backend);
    }
    const tls = asRecord(spec.tls);
    if (tls) defaultTls(tls);
  }
  for (const i of asArray(asRecord(route.status)?.ingress)) {
    const ingress = asRecord(i);
    if (ingress && !asString(ingress.wildcardPolicy)) ingress.wildcardPolicy = 'None';
  }
}
