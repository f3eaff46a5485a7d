/**
 * Writing responses: JSON bodies, Status errors with skiff's error code in a header, and
 * `Warning:` headers in the RFC 7234 form kubectl prints (`299 - "text"`).
 */
import type { ServerResponse } from 'node:http';
import { SkiffError } from '../../errors/skiff-error.ts';
import { statusFromError } from './status.ts';

export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text.replace(/[\r\n]+/g, ' '))}`;
}

export function writeJson(res: ServerResponse, code: number, body: unknown, warnings: readonly string[] = [], contentType = 'application/json'): void {
  const payload = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(payload)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers.Warning = [...new Set(warnings)].map(warningHeader);
  res.writeHead(code, headers);
  res.end(payload);
}

export function writeError(res: ServerResponse, err: unknown, warnings: readonly string[] = []): void {
  // Too late for a Status once the head is out (a stream failed midway): cut the connection.
  // Checked first, since setting a header now would throw.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = statusFromError(err);
  // Unexpected errors become InternalError (statusFromError) and carry its code too.
  res.setHeader('X-Skiff-Error-Code', err instanceof SkiffError ? err.code : 'SKF_API_INTERNAL');
  writeJson(res, status.code, status, warnings);
}

export function writeText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
