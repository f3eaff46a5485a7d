/**
 * Streams watch events as Kubernetes does: 200, `Content-Type: application/json`, chunked,
 * one JSON object per line, headers flushed at once (kubectl waits for them). With a
 * Table Accept each event carries a one-row Table (column definitions only on the first).
 *
 * The stream ends when the client goes away — detected on the *response*'s close event:
 * in Node 20 the request's 'close' fires as soon as its body is read (kubernetes-api.md §7.3).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import type { Target, WatchEvent, WatchService } from '../storage/index.ts';
import { parseIncludeObject, toTable } from './table.ts';

export async function streamWatch(watches: WatchService, _req: IncomingMessage, res: ServerResponse, target: Target, query: URLSearchParams, asTable: boolean): Promise<void> {
  const includeObject = parseIncludeObject(query.get('includeObject'));
  let sentColumns = false;
  let open = true;
  const encode = (event: WatchEvent): string => {
    if (!asTable || event.type === 'ERROR' || event.type === 'BOOKMARK') return JSON.stringify(event);
    const obj = event.object as KubeObject;
    const table = toTable(target.def, target.version, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '', includeObject, omitColumns: sentColumns });
    sentColumns = true;
    return JSON.stringify({ type: event.type, object: table });
  };
  const sink = {
    send(event: WatchEvent) {
      if (open) res.write(encode(event) + '\n');
    },
    close() {
      if (open) {
        open = false;
        res.end();
      }
    },
  };
  const timeout = query.get('timeoutSeconds');
  const handle = await watches.watch(target, {
    ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}),
    ...(query.get('fieldSelector') ? { fieldSelector: query.get('fieldSelector')! } : {}),
    ...(query.get('resourceVersion') !== null ? { resourceVersion: query.get('resourceVersion')! } : {}),
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
    // kube-apiserver bounds every watch (30–60 min) so clients re-list now and then.
    timeoutSeconds: timeout !== null && Number(timeout) > 0 ? Number(timeout) : 1800 + Math.floor(Math.random() * 1800),
  }, {
    send: (e) => {
      if (!res.headersSent) start(res);
      sink.send(e);
    },
    close: () => {
      if (!res.headersSent) start(res);
      sink.close();
    },
  });
  if (!res.headersSent) start(res);
  res.on('close', () => {
    open = false;
    handle.stop();
  });
  if (!open) handle.stop();
}

function start(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
}
