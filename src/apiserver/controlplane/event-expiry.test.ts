import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { startInProcessApi } from '../../server/testing/in-process-api.ts';
import { silentLogger } from '../../util/log.ts';
import { EVENT, expiredEvents, lastWrittenAt, startEventExpiry } from './event-expiry.ts';

const event = (name: string, created: string, writes: string[] = []): KubeObject => ({
  apiVersion: 'v1', kind: 'Event',
  metadata: { name, namespace: 'default', creationTimestamp: created, managedFields: writes.map((time) => ({ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: {} })) },
});

describe('event expiry', () => {
  it('counts from an Event\'s last write, as a lease renewed by every write', () => {
    assert.equal(lastWrittenAt(event('a', '2024-05-01T10:00:00Z')), Date.parse('2024-05-01T10:00:00Z'));
    assert.equal(lastWrittenAt(event('b', '2024-05-01T10:00:00Z', ['2024-05-01T10:30:00Z', '2024-05-01T10:10:00Z'])), Date.parse('2024-05-01T10:30:00Z'));
    // A recorder's own lastTimestamp counts; a time in the future does not.
    assert.equal(lastWrittenAt({ ...event('c', '2024-05-01T10:00:00Z'), lastTimestamp: '2024-05-01T10:40:00Z' } as KubeObject), Date.parse('2024-05-01T10:40:00Z'));
    assert.equal(lastWrittenAt(event('d', '2024-05-01T10:00:00Z', ['2099-01-01T00:00:00Z']), Date.parse('2024-05-01T11:00:00Z')), Date.parse('2024-05-01T10:00:00Z'));
    const now = Date.parse('2024-05-01T11:15:00Z');
    const names = expiredEvents([event('old', '2024-05-01T10:00:00Z'), event('renewed', '2024-05-01T10:00:00Z', ['2024-05-01T10:30:00Z']), event('new', '2024-05-01T11:00:00Z')], now, 3_600_000)
      .map((e) => e.metadata.name);
    assert.deepEqual(names, ['old']);
  });

  it('deletes expired Events through the API, so watchers see them go', async () => {
    const api = await startInProcessApi('event-expiry');
    try {
      const write = (name: string) => api.client.create({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Tested', message: name, type: 'Normal' });
      await api.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
      await write('first');
      const deleted: string[] = [];
      const watch = await api.client.watch(EVENT, { namespace: 'default' }, { onEvent: (e) => { if (e.type === 'DELETED') deleted.push(e.object.metadata.name!); }, onClose: () => undefined });
      // A TTL of one second, swept every second: the Event goes once its second is over.
      const expiry = startEventExpiry(api.client, { ttlMs: 1000 }, silentLogger());
      try {
        for (let i = 0; i < 100 && deleted.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(deleted, ['first']);
        assert.deepEqual((await api.client.list(EVENT)).items, []);
      } finally {
        watch.stop();
        await expiry.stop();
      }
    } finally {
      await api.stop();
    }
  });
});
