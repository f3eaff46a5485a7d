import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { destinationServiceOf } from './inbound-http.ts';
import { appendXfcc, xfccElement } from './xfcc.ts';

describe('x-forwarded-client-cert', () => {
  const raw = Buffer.from('not really DER');
  const hash = createHash('sha256').update(raw).digest('hex');

  it('describes a SPIFFE client as Istio\'s inbound does', () => {
    const element = xfccElement('spiffe://cluster.local/ns/default/sa/hello', { raw, subject: '', uris: ['spiffe://cluster.local/ns/foo/sa/sleep'], dnsNames: [] });
    assert.equal(element, `By=spiffe://cluster.local/ns/default/sa/hello;Hash=${hash};Subject="";URI=spiffe://cluster.local/ns/foo/sa/sleep`);
  });

  it('quotes values with separators, lists DNS names, and appends after earlier elements', () => {
    const element = xfccElement(undefined, { raw, subject: 'CN=a,O=b', uris: [], dnsNames: ['x.example'] });
    assert.equal(element, `Hash=${hash};Subject="CN=a,O=b";DNS=x.example`);
    assert.equal(appendXfcc('By=a;Hash=b', 'By=c'), 'By=a;Hash=b,By=c');
    assert.equal(appendXfcc(undefined, 'By=c'), 'By=c');
  });
});

describe('destinationServiceOf', () => {
  const services = ['hello.default.svc.cluster.local:80', 'hello-private.default.svc.cluster.local:8080'];
  it('picks the Service the authority names, by full or short host, else the first', () => {
    assert.equal(destinationServiceOf(services, 'hello-private:8080')?.host, 'hello-private.default.svc.cluster.local');
    assert.equal(destinationServiceOf(services, 'hello-private.default.svc.cluster.local')?.host, 'hello-private.default.svc.cluster.local');
    assert.deepEqual(destinationServiceOf(services, '127.0.0.1:8080'), { host: 'hello.default.svc.cluster.local', name: 'hello', namespace: 'default' });
    assert.equal(destinationServiceOf([], 'x'), undefined);
  });
});
