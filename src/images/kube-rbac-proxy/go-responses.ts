/**
 * Responses written the way Go's net/http writes them, so that clients (and tests written
 * against the real kube-rbac-proxy) see the same bytes: http.Error is a text/plain body
 * with a newline and `X-Content-Type-Options: nosniff`; http.NotFound is its 404.
 */
import type { ServerResponse } from 'node:http';

export function goHttpError(res: ServerResponse, message: string, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${message}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export const goNotFound = (res: ServerResponse): void => goHttpError(res, '404 page not found', 404);

