/**
 * CloudEvents 1.0 over HTTP, receiving side (the `cloudevents` npm package is not a
 * dependency of skiff, so this is the minimal binding): binary mode (attributes in `ce-*`
 * headers, data in the body), structured mode (`application/cloudevents+json`) and batch
 * mode (`application/cloudevents-batch+json`); validation of the required attributes; and
 * the text form the Go SDK's Event.String() prints, which Knative's event_display logs.
 */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  dataschema?: string;
  datacontenttype?: string;
  extensions: Record<string, string>;
  /** The data as received (bytes), or undefined when the event has none. */
  data?: Buffer;
  dataBase64?: boolean;
}

export class CloudEventError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

const CONTEXT = new Set(['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema', 'datacontenttype']);

export function parseCloudEvents(headers: Record<string, string | string[] | undefined>, body: Buffer): CloudEvent[] {
  const contentType = String(headers['content-type'] ?? '');
  const media = contentType.split(';')[0]!.trim().toLowerCase();
  if (media === 'application/cloudevents+json') return [validated(fromStructured(JSON.parse(body.toString('utf8')) as Record<string, unknown>))];
  if (media === 'application/cloudevents-batch+json') {
    const list = JSON.parse(body.toString('utf8')) as unknown;
    if (!Array.isArray(list)) throw new CloudEventError('a batch must be a JSON array', 400);
    return list.map((e) => validated(fromStructured(e as Record<string, unknown>)));
  }
  const specversion = header(headers, 'ce-specversion');
  if (specversion === undefined) throw new CloudEventError('unknown Message encoding', 415);
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.toLowerCase().startsWith('ce-') || value === undefined) continue;
    attrs[name.toLowerCase().slice(3)] = decodeURIComponent(Array.isArray(value) ? value.join(',') : value);
  }
  const event: CloudEvent = { specversion, id: attrs.id ?? '', source: attrs.source ?? '', type: attrs.type ?? '', extensions: {} };
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'subject' || k === 'time' || k === 'dataschema') event[k] = v;
    else if (!CONTEXT.has(k)) event.extensions[k] = v;
  }
  if (contentType !== '') event.datacontenttype = contentType;
  if (body.length > 0) event.data = body;
  return [validated(event)];
}

function fromStructured(obj: Record<string, unknown>): CloudEvent {
  const str = (k: string) => (obj[k] === undefined || obj[k] === null ? undefined : String(obj[k]));
  const event: CloudEvent = { specversion: str('specversion') ?? '', id: str('id') ?? '', source: str('source') ?? '', type: str('type') ?? '', extensions: {} };
  for (const k of ['subject', 'time', 'dataschema', 'datacontenttype'] as const) {
    const v = str(k);
    if (v !== undefined) event[k] = v;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (CONTEXT.has(k) || k === 'data' || k === 'data_base64') continue;
    event.extensions[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  if (typeof obj.data_base64 === 'string') {
    event.data = Buffer.from(obj.data_base64, 'base64');
    event.dataBase64 = true;
  } else if (obj.data !== undefined) {
    const isJson = event.datacontenttype === undefined || /json/.test(event.datacontenttype);
    event.data = Buffer.from(typeof obj.data === 'string' && !isJson ? obj.data : JSON.stringify(obj.data));
    event.datacontenttype ??= 'application/json';
  }
  return event;
}

function validated(event: CloudEvent): CloudEvent {
  const problems: string[] = [];
  if (event.specversion !== '1.0' && event.specversion !== '0.3') problems.push(`specversion: unknown value ${JSON.stringify(event.specversion)}`);
  for (const k of ['id', 'source', 'type'] as const) if (event[k] === '') problems.push(`${k}: REQUIRED but MISSING`);
  if (problems.length > 0) throw new CloudEventError(`${problems.join('\n')}\n`, 400);
  return event;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The Go SDK's Event.String(): context attributes, sorted extensions, then the data. */
export function formatCloudEvent(event: CloudEvent): string {
  const lines = ['Context Attributes,', `  specversion: ${event.specversion}`, `  type: ${event.type}`, `  source: ${event.source}`];
  if (event.subject !== undefined) lines.push(`  subject: ${event.subject}`);
  lines.push(`  id: ${event.id}`);
  if (event.time !== undefined) lines.push(`  time: ${event.time}`);
  if (event.dataschema !== undefined) lines.push(`  dataschema: ${event.dataschema}`);
  if (event.datacontenttype !== undefined) lines.push(`  datacontenttype: ${event.datacontenttype}`);
  const keys = Object.keys(event.extensions).sort();
  if (keys.length > 0) {
    lines.push('Extensions,');
    for (const k of keys) lines.push(`  ${k}: ${event.extensions[k]}`);
  }
  let out = `${lines.join('\n')}\n`;
  if (event.data !== undefined) {
    out += event.dataBase64 ? 'Data (binary),\n  ' : 'Data,\n  ';
    const media = (event.datacontenttype ?? '').split(';')[0]!.trim();
    let text = event.data.toString('utf8');
    if (media === 'application/json') {
      try {
        text = JSON.stringify(JSON.parse(text), null, 2).replace(/\n/g, '\n  ');
      } catch {
        // not JSON after all: show it as it came
      }
    }
    out += `${text}\n`;
  }
  return out;
}
