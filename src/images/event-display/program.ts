/**
 * Knative Eventing's event_display: a CloudEvents receiver on $PORT (default 8080) that
 * prints every event it gets, in the CloudEvents Go SDK's format, and answers 200 (400 for
 * an invalid event, 415 for a request that is no CloudEvent, 405 for GET), as the Go
 * receiver does. Address: $SKIFF_LISTEN_ADDRESS, else every interface.
 */
import { createServer } from 'node:http';
import type { Program } from '../program.ts';
import { CloudEventError, formatCloudEvent, parseCloudEvents } from './cloudevent.ts';

export const eventDisplay: Program = (io) => {
  const port = Number(io.env.PORT || '8080');
  const host = io.env.SKIFF_LISTEN_ADDRESS || undefined;
  const server = createServer((req, res) => {
    if (req.method === 'GET' || req.method === 'DELETE' || req.method === 'OPTIONS') {
      req.resume();
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        for (const event of parseCloudEvents(req.headers, Buffer.concat(chunks))) io.stdout.write(`☁️  cloudevents.Event\n${formatCloudEvent(event)}`);
        res.writeHead(200).end();
      } catch (err) {
        const status = err instanceof CloudEventError ? err.status : 400;
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
      }
    });
  });
  server.on('error', (err) => {
    io.stderr.write(`event_display: cannot listen on ${host ?? '*'}:${port}: ${err.message}\n`);
    io.exit(1);
  });
  server.listen(port, host);
  return {
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
};
