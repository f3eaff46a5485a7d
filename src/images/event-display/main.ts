/**
 * Knative Eventing's event_display, as a built-in image: a CloudEvents receiver on $PORT
 * (default 8080) that prints every event it gets, in the CloudEvents Go SDK's format, and
 * answers 200 (400 for an invalid event, 415 for a request that is no CloudEvent, 405 for
 * GET), as the Go receiver does. Address: $SKIFF_LISTEN_ADDRESS, else every interface.
 */
import { createServer } from 'node:http';
import { CloudEventError, formatCloudEvent, parseCloudEvents } from './cloudevent.ts';

const port = Number(process.env.PORT || '8080');
const host = process.env.SKIFF_LISTEN_ADDRESS || undefined;

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
      for (const event of parseCloudEvents(req.headers, Buffer.concat(chunks))) process.stdout.write(`☁️  cloudevents.Event\n${formatCloudEvent(event)}`);
      res.writeHead(200).end();
    } catch (err) {
      const status = err instanceof CloudEventError ? err.status : 400;
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
    }
  });
});
server.on('error', (err) => {
  process.stderr.write(`event_display: cannot listen on ${host ?? '*'}:${port}: ${err.message}\n`);
  process.exit(1);
});
server.listen(port, host);
