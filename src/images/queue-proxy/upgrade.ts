/**
 * Protocol upgrades (websockets) through the queue-proxy, as Go's httputil.ReverseProxy does
 * them under the same chain: the request counts for draining and the autoscaling stats and
 * holds a breaker slot for as long as the upgraded connection lives; the upgrade headers go
 * to the user container, its `101 Switching Protocols` comes back, and then bytes are copied
 * both ways. A refused upgrade is passed back as an ordinary response.
 */
import { request, STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Breaker } from './breaker.ts';
import { ACTIVATOR_NAME, HEADER, QUEUE_FULL_MESSAGE } from './constants.ts';
import type { Drainer } from './drainer.ts';
import { downstreamResponseHeaders, headerValue, upstreamRequestHeaders } from './headers.ts';
import type { RequestStats } from './request-stats.ts';

export interface UpgradeDeps {
  userHost: string;
  userPort: number;
  stats: RequestStats;
  breaker: Breaker | undefined;
  drainer: Drainer;
}

export function createUpgradeHandler(deps: UpgradeDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    deps.drainer.requestSeen();
    const proxied = req.headers[HEADER.proxy] === ACTIVATOR_NAME;
    deps.stats.requestIn(Date.now(), proxied);
    const ticket = deps.breaker?.tryEnter();
    let closed = false;
    socket.once('close', () => {
      closed = true;
      ticket?.release();
      deps.stats.requestOut(Date.now(), proxied);
    });
    socket.on('error', () => socket.destroy());
    if (deps.breaker && !ticket) {
      writeRaw(socket, 503, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(QUEUE_FULL_MESSAGE.length + 1)], `${QUEUE_FULL_MESSAGE}\n`);
      return;
    }
    const go = () => {
      if (closed) return;
      const headers = upstreamRequestHeaders(req.rawHeaders, req.socket.remoteAddress);
      headers.push('Connection', 'Upgrade', 'Upgrade', headerValue(req.rawHeaders, 'upgrade') ?? '');
      const upstream = request({ host: deps.userHost, port: deps.userPort, method: req.method, path: req.url, headers, setHost: false });
      upstream.on('upgrade', (answer, appSocket, appHead) => {
        writeRaw(socket, answer.statusCode ?? 101, answer.rawHeaders);
        if (appHead.length > 0) socket.write(appHead);
        if (head.length > 0) appSocket.write(head);
        appSocket.on('error', () => socket.destroy());
        socket.once('close', () => appSocket.destroy());
        appSocket.once('close', () => socket.destroy());
        appSocket.pipe(socket).pipe(appSocket);
      });
      upstream.on('response', (answer) => {
        // The app declined the upgrade: an ordinary response, then the connection ends.
        writeRaw(socket, answer.statusCode ?? 502, [...downstreamResponseHeaders(answer.rawHeaders), 'Connection', 'close']);
        answer.pipe(socket);
      });
      upstream.on('error', () => {
        const body = 'upgrade to the user container failed\n';
        writeRaw(socket, 502, ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(body.length)], body);
      });
      upstream.end();
    };
    if (ticket) void ticket.ready.then(go);
    else go();
  };
}

/** Writes a response head (and optional body) straight to a socket; with a body, the socket ends after it. */
function writeRaw(socket: Duplex, status: number, rawHeaders: readonly string[], body?: string): void {
  if (socket.destroyed) return;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < rawHeaders.length; i += 2) head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  head += '\r\n';
  if (body === undefined) socket.write(head);
  else socket.end(head + body);
}
