/**
 * Forcing a full GC in a running skiff, so that memory figures are not a matter of when V8
 * last collected. skiff is started with `--inspect-port=127.0.0.1:PORT` (which opens nothing);
 * SIGUSR1 makes Node open its inspector there, and the DevTools protocol's
 * `HeapProfiler.collectGarbage` runs a full collection. `Runtime.getHeapUsage` then gives the
 * live V8 heap, a figure RSS alone hides (freed heap pages are not always returned to the OS).
 * Only skiff's own process is collected: its image hosts are separate Node processes.
 */
import { createServer } from 'node:net';
import { WebSocket } from 'undici';

/** A free loopback port for `--inspect-port` (freed at once; the race is acceptable for a benchmark). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface InspectorSession {
  /** Full GC, then the live V8 heap in bytes. */
  collect(): Promise<number>;
  close(): void;
}

/** Opens the inspector of `pid` (started with --inspect-port=127.0.0.1:`port`) and connects. */
export async function openInspector(pid: number, port: number, timeoutMs = 10_000): Promise<InspectorSession> {
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + timeoutMs;
  let target: string | undefined;
  while (target === undefined) {
    const list = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json() as Promise<Array<{ webSocketDebuggerUrl: string }>>, () => undefined);
    target = list?.[0]?.webSocketDebuggerUrl;
    if (target === undefined) {
      if (Date.now() > deadline) throw new Error(`the inspector of ${pid} did not open on ${port}`);
      // Polling the inspector's HTTP endpoint is the observation: Node opens it asynchronously.
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const ws = new WebSocket(target);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot connect to ${target}`)), { once: true });
  });
  let nextId = 1;
  const waiting = new Map<number, (result: Record<string, unknown>) => void>();
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result ?? {});
  });
  const call = (method: string) => new Promise<Record<string, unknown>>((resolve) => {
    const id = nextId++;
    waiting.set(id, (result) => {
      waiting.delete(id);
      resolve(result);
    });
    ws.send(JSON.stringify({ id, method }));
  });
  return {
    collect: async () => {
      await call('HeapProfiler.collectGarbage');
      return Number((await call('Runtime.getHeapUsage')).usedSize);
    },
    close: () => ws.close(),
  };
}
