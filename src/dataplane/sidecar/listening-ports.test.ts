import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { ListeningPortsWatcher, parseListeningPorts } from './listening-ports.ts';

const SAMPLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 0500F47F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0000000000000000 20 4 30 10 -1
   3: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 100 0 0 10 0
`;
const SAMPLE6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000600F47F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1 0000000000000000 100 0 0 10 0
`;

function listen(address: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve(server));
  });
}

describe('parseListeningPorts', () => {
  it('reads LISTEN sockets only, with little-endian IPv4 addresses and hex ports', () => {
    assert.deepEqual(parseListeningPorts(SAMPLE), new Map([['127.0.0.1', [8080]], ['127.244.0.5', [80]], ['0.0.0.0', [22]]]));
  });

  it('reads tcp6 tables: wildcard, IPv4-mapped and ::1', () => {
    assert.deepEqual(parseListeningPorts(SAMPLE6), new Map([['::', [22]], ['127.244.0.6', [8081]], ['::1', [631]]]));
  });

  it('finds a real server this process opened on a loopback address', async () => {
    const address = `127.55.${1 + Math.floor(Math.random() * 200)}.${1 + Math.floor(Math.random() * 200)}`;
    const server = await listen(address);
    try {
      const port = (server.address() as AddressInfo).port;
      const table = parseListeningPorts(await readFile('/proc/net/tcp', 'utf8'));
      assert.ok(table.get(address)?.includes(port), `${address}:${port} in /proc/net/tcp`);
    } finally {
      server.close();
    }
  });
});

describe('ListeningPortsWatcher', () => {
  it('tells when a port opens and closes on the watched address', async () => {
    const address = `127.55.${1 + Math.floor(Math.random() * 200)}.${1 + Math.floor(Math.random() * 200)}`;
    let changes = 0;
    const watcher = new ListeningPortsWatcher({ intervalMs: 60_000, onChange: () => changes++ });
    watcher.start();
    watcher.start();
    try {
      await watcher.poll();
      assert.deepEqual(watcher.portsOf(address), []);
      const before = changes;
      const server = await listen(address);
      const port = (server.address() as AddressInfo).port;
      await watcher.poll();
      assert.deepEqual(watcher.portsOf(address), [port]);
      assert.ok(changes > before);
      await new Promise<void>((r) => server.close(() => r()));
      await watcher.poll();
      assert.deepEqual(watcher.portsOf(address), []);
    } finally {
      watcher.stop();
    }
  });
});
