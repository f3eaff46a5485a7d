import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudEventError, formatCloudEvent, parseCloudEvents } from './cloudevent.ts';

test('binary mode: ce- headers, content type and body', () => {
  const [event] = parseCloudEvents({
    'ce-specversion': '1.0', 'ce-id': '536808d3', 'ce-source': 'dev.knative.samples/helloworldsource', 'ce-type': 'dev.knative.samples.helloworld',
    'ce-time': '2019-10-04T22:35:26.05871736Z', 'ce-knativearrivaltime': '2019-10-04T22:35:26Z', 'content-type': 'application/json',
  }, Buffer.from('{"msg":"Hello World!"}'));
  assert.equal(formatCloudEvent(event!), [
    'Context Attributes,',
    '  specversion: 1.0',
    '  type: dev.knative.samples.helloworld',
    '  source: dev.knative.samples/helloworldsource',
    '  id: 536808d3',
    '  time: 2019-10-04T22:35:26.05871736Z',
    '  datacontenttype: application/json',
    'Extensions,',
    '  knativearrivaltime: 2019-10-04T22:35:26Z',
    'Data,',
    '  {',
    '    "msg": "Hello World!"',
    '  }',
    '',
  ].join('\n'));
});

test('structured and batch modes', () => {
  const body = { specversion: '1.0', id: '1', source: '/s', type: 't', subject: 'sub', myext: 'x', data: { a: 1 } };
  const [structured] = parseCloudEvents({ 'content-type': 'application/cloudevents+json' }, Buffer.from(JSON.stringify(body)));
  assert.equal(structured!.subject, 'sub');
  assert.deepEqual(structured!.extensions, { myext: 'x' });
  assert.match(formatCloudEvent(structured!), /datacontenttype: application\/json\nExtensions,\n {2}myext: x\nData,\n {2}\{\n {4}"a": 1\n {2}\}\n$/);
  const batch = parseCloudEvents({ 'content-type': 'application/cloudevents-batch+json' }, Buffer.from(JSON.stringify([body, { ...body, id: '2', data_base64: Buffer.from('raw').toString('base64'), data: undefined }])));
  assert.equal(batch.length, 2);
  assert.match(formatCloudEvent(batch[1]!), /Data \(binary\),\n {2}raw\n$/);
});

test('invalid events and non-events are refused', () => {
  assert.throws(() => parseCloudEvents({ 'ce-specversion': '1.0', 'ce-id': '1' }, Buffer.alloc(0)), (e: unknown) => e instanceof CloudEventError && e.status === 400 && /source: REQUIRED but MISSING/.test(e.message));
  assert.throws(() => parseCloudEvents({ 'content-type': 'text/plain' }, Buffer.from('hi')), (e: unknown) => e instanceof CloudEventError && e.status === 415);
});
