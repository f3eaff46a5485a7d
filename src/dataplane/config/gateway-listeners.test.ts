import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileGatewayListeners } from './gateway-listeners.ts';
import { catalogCodeOf } from './problems.ts';
import type { GatewayListenerInput } from './gateway-listeners.ts';
import type { Gateway, Secret } from './istio-specs.ts';
import {
  GATEWAY_LABELS, certificatePair, ingressGatewayService, istio, knativeIngressGateway, knativeLocalGateway, knativeLocalGatewayService, tlsSecret,
} from './testing-fixtures.ts';

let pair: { cert: string; key: string };
let other: { cert: string; key: string };
before(async () => { [pair, other] = await Promise.all([certificatePair(), certificatePair()]); });

function compile(gateways: Gateway[], secrets: Secret[] = []): ReturnType<typeof compileGatewayListeners> {
  const input: GatewayListenerInput = {
    workload: { namespace: 'istio-system', labels: GATEWAY_LABELS },
    services: [ingressGatewayService(), knativeLocalGatewayService()],
    gateways, secrets,
  };
  return compileGatewayListeners(input);
}

describe('gateway listeners (seed 002)', () => {
  it('translates 443 → 8443 through istio-ingressgateway and keeps 8081 (translation disabled)', () => {
    const secret = tlsSecret('istio-system', 'wildcard-certs', { 'tls.crt': pair.cert, 'tls.key': pair.key });
    const out = compile([knativeIngressGateway('wildcard-certs'), knativeLocalGateway()], [secret]);
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.gateways, ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway']);
    assert.deepEqual(out.listeners.map((l) => [l.name, l.protocol]), [['0.0.0.0_8081', 'HTTPS'], ['0.0.0.0_8443', 'HTTPS']]);
    const [local, ingress] = out.listeners;
    const chain = ingress!.filterChains[0]!;
    assert.equal(chain.kind, 'http');
    assert.equal(chain.routeConfigName, 'https.443.https.knative-ingress-gateway.knative-serving');
    assert.deepEqual(chain.serverNames, []);
    assert.equal(chain.tls?.certificate.source, 'secret');
    assert.deepEqual(chain.tls?.alpn, ['h2', 'http/1.1']);
    assert.equal(chain.tls?.requireClientCertificate, false);
    const mtls = local!.filterChains[0]!;
    assert.equal(mtls.tls?.mode, 'ISTIO_MUTUAL');
    assert.deepEqual(mtls.tls?.certificate, { source: 'mesh' });
    assert.equal(mtls.tls?.requireClientCertificate, true);
  });

  it("the documents' other knative-local-gateway variant: plain HTTP on 8081", () => {
    const plain = istio('Gateway', 'knative-serving', 'knative-local-gateway', { selector: { knative: 'ingressgateway' }, servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const out = compile([plain]);
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.listeners.map((l) => [l.name, l.protocol, l.filterChains[0]!.routeConfigName, l.filterChains[0]!.tls]), [['0.0.0.0_8081', 'HTTP', 'http.8081', undefined]]);
  });

  it('a missing credential skips only that server, with a problem naming the workload namespace', () => {
    const out = compile([knativeIngressGateway('wildcard-certs'), knativeLocalGateway()]);
    assert.deepEqual(out.listeners.map((l) => l.port), [8081]);
    assert.equal(out.problems.length, 1);
    assert.equal(out.problems[0]!.code, 'credential-missing');
    assert.equal(out.problems[0]!.field, 'spec.servers[0].tls.credentialName');
    assert.match(out.problems[0]!.message, /istio-system\/wildcard-certs not found/);
    assert.equal(catalogCodeOf(out.problems[0]!.code), 'SKF_MESH_GATEWAY_CREDENTIAL');
  });

  it('a secret in the Gateway namespace does not count (credentialName is looked up in the workload namespace)', () => {
    const secret = tlsSecret('knative-serving', 'wildcard-certs', { 'tls.crt': pair.cert, 'tls.key': pair.key });
    assert.equal(compile([knativeIngressGateway('wildcard-certs')], [secret]).problems[0]?.code, 'credential-missing');
  });

  it('reports a key that does not match the certificate, and missing keys', () => {
    const mismatch = tlsSecret('istio-system', 'wildcard-certs', { 'tls.crt': pair.cert, 'tls.key': other.key });
    assert.equal(compile([knativeIngressGateway('wildcard-certs')], [mismatch]).problems[0]?.code, 'credential-mismatch');
    const empty = tlsSecret('istio-system', 'wildcard-certs', { 'ca.crt': pair.cert });
    const out = compile([knativeIngressGateway('wildcard-certs')], [empty]);
    assert.equal(out.problems[0]?.code, 'credential-malformed');
    assert.match(out.problems[0]!.message, /found keys: ca\.crt/);
    const garbage = tlsSecret('istio-system', 'wildcard-certs', { 'tls.crt': 'nope', 'tls.key': pair.key });
    assert.equal(compile([knativeIngressGateway('wildcard-certs')], [garbage]).problems[0]?.code, 'credential-malformed');
  });

  it("seed preflight: a 443 '*' Gateway outside knative-serving on the same workload conflicts with knative-ingress-gateway", () => {
    const secret = tlsSecret('istio-system', 'wildcard-certs', { 'tls.crt': pair.cert, 'tls.key': pair.key });
    const user = istio('Gateway', 'my-app', 'my-gateway', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'wildcard-certs' } }] });
    const out = compile([user, knativeIngressGateway('wildcard-certs')], [secret]);
    assert.deepEqual(out.problems.map((p) => [p.code, `${p.object.namespace}/${p.object.name}`]), [['gateway-duplicate-host', 'knative-serving/knative-ingress-gateway']]);
    assert.match(out.problems[0]!.message, /already served by my-app\/my-gateway/);
  });

  it('MUTUAL takes the client CA from <name>-cacert, else from ca.crt', () => {
    const gw = istio('Gateway', 'default', 'mutual', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['a.example.com'], tls: { mode: 'MUTUAL', credentialName: 'certs' } }] });
    const main = tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key });
    assert.equal(compile([gw], [main]).problems[0]?.code, 'credential-malformed');
    const ca = tlsSecret('istio-system', 'certs-cacert', { 'ca.crt': other.cert });
    const out = compile([gw], [main, ca]);
    assert.deepEqual(out.problems, []);
    const tls = out.listeners[0]!.filterChains[0]!.tls!;
    assert.equal(tls.requireClientCertificate, true);
    assert.ok(tls.certificate.source === 'secret' && tls.certificate.credential.caSecret === 'istio-system/certs-cacert');
    const inline = tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key, 'ca.crt': other.cert });
    assert.deepEqual(compile([gw], [inline]).problems, []);
    const optional = istio('Gateway', 'default', 'optional', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 9443, name: 'https', protocol: 'HTTPS' }, hosts: ['b.example.com'], tls: { mode: 'OPTIONAL_MUTUAL', credentialName: 'certs' } }] });
    const optionalTls = compile([optional], [inline]).listeners[0]!.filterChains[0]!.tls!;
    assert.deepEqual([optionalTls.requestClientCertificate, optionalTls.requireClientCertificate], [true, false]);
    assert.equal(compile([optional], [main]).problems[0]?.code, 'credential-malformed', 'OPTIONAL_MUTUAL needs a CA too');
  });

  it('ignores Gateways whose selector does not match, from any namespace', () => {
    const elsewhere = istio('Gateway', 'team-a', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const unrelated = istio('Gateway', 'team-b', 'gw', { selector: { istio: 'egressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const out = compile([elsewhere, unrelated]);
    assert.deepEqual(out.gateways, ['team-a/gw']);
    assert.deepEqual(out.listeners.map((l) => [l.port, l.filterChains[0]!.routeConfigName]), [[8080, 'http.8080']]);
  });

  it('merges plain HTTP servers, marks httpsRedirect hosts and h2c for HTTP2', () => {
    const a = istio('Gateway', 'ns-a', 'a', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['a.example.com'], tls: { httpsRedirect: true } }] });
    const b = istio('Gateway', 'ns-b', 'b', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http2', protocol: 'HTTP2' }, hosts: ['./b.example.com', 'a.example.com'] }] });
    const out = compile([b, a].reverse());
    const [listener] = out.listeners;
    assert.equal(listener!.http2, true);
    const chain = listener!.filterChains[0]!;
    assert.deepEqual(chain.hosts, [{ namespace: '*', host: 'a.example.com' }, { namespace: 'ns-b', host: 'b.example.com' }, { namespace: '*', host: 'a.example.com' }]);
    assert.deepEqual(chain.httpsRedirectHosts, ['a.example.com']);
    assert.deepEqual(out.problems.map((p) => [p.code, p.severity, p.object.name]), [['gateway-duplicate-host', 'warning', 'b']]);
  });

  it('on an SNI port the older Gateway keeps a host; the newer server is skipped', () => {
    const secret = tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key });
    const server = (hosts: string[]) => ({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode: 'SIMPLE', credentialName: 'certs' } });
    const older = istio('Gateway', 'ns-a', 'older', { selector: { istio: 'ingressgateway' }, servers: [server(['a.example.com'])] });
    const newer = istio('Gateway', 'ns-b', 'newer', { selector: { istio: 'ingressgateway' }, servers: [server(['a.example.com']), { ...server(['b.example.com']), port: { number: 443, name: 'https-b', protocol: 'HTTPS' } }] });
    const out = compile([newer, older], [secret]);
    const chains = out.listeners[0]!.filterChains;
    assert.deepEqual(chains.map((c) => [c.serverNames, c.servers[0]!.gateway]), [[['a.example.com'], 'ns-a/older'], [['b.example.com'], 'ns-b/newer']]);
    assert.deepEqual(out.problems.map((p) => [p.code, p.object.name, p.field]), [['gateway-duplicate-host', 'newer', 'spec.servers[0].hosts']]);
  });

  it('servers with a tls block (even redirect-only HTTP) may not repeat an older server\'s host on the port', () => {
    const redirect = (ns: string, name: string, hosts: string[]) => istio('Gateway', ns, name, { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts, tls: { httpsRedirect: true } }] });
    const out = compile([redirect('a', 'first', ['x.example.com']), redirect('b', 'second', ['x.example.com']), redirect('c', 'scoped', ['c/x.example.com'])]);
    assert.deepEqual(out.problems.map((p) => [p.code, p.severity, p.object.name]), [['gateway-duplicate-host', 'error', 'second'], ['gateway-duplicate-host', 'warning', 'scoped']]);
    assert.deepEqual(out.listeners[0]!.filterChains[0]!.servers.map((s) => s.gateway), ['a/first', 'c/scoped']);
  });

  it('rejects a second protocol family on a port; passthrough and TCP chains', () => {
    const http = istio('Gateway', 'ns', 'http', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] });
    const tls = istio('Gateway', 'ns', 'tls', { selector: { istio: 'ingressgateway' }, servers: [
      { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['db.example.com'], tls: { mode: 'PASSTHROUGH' } },
      { port: { number: 15443, name: 'tls-auto', protocol: 'TLS' }, hosts: ['*.local'], tls: { mode: 'AUTO_PASSTHROUGH' } },
      { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] },
    ] });
    const out = compile([http, tls]);
    assert.deepEqual(out.problems.map((p) => p.code), ['gateway-protocol-conflict']);
    assert.deepEqual(out.listeners.map((l) => [l.port, l.protocol, l.filterChains[0]!.kind]), [[8443, 'HTTP', 'http'], [15443, 'TLS', 'auto-passthrough'], [31400, 'TCP', 'tcp']]);
  });

  it('maps minProtocolVersion and cipherSuites to Node names', () => {
    const secret = tlsSecret('istio-system', 'certs', { cert: pair.cert, key: pair.key });
    const gw = istio('Gateway', 'ns', 'gw', { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPLE', credentialName: 'certs', minProtocolVersion: 'TLSV1_3', cipherSuites: ['ECDHE-RSA-AES256-GCM-SHA384'] } }] });
    const tls = compile([gw], [secret]).listeners[0]!.filterChains[0]!.tls!;
    assert.equal(tls.minVersion, 'TLSv1.3');
    assert.deepEqual(tls.cipherSuites, ['ECDHE-RSA-AES256-GCM-SHA384']);
  });
});
