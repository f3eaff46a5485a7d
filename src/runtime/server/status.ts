/**
 * The kubelet server's error answers: a v1 Status, as the kubelet writes them, which the
 * API server passes through to kubectl unchanged (`Error from server (BadRequest): …`).
 */
import type { ServerResponse } from 'node:http';

const REASONS: Record<number, string> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 500: 'InternalError' };

export class KubeletError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export function statusOf(code: number, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code] ?? 'InternalError', code };
}

export function writeStatus(res: ServerResponse, code: number, message: string): void {
  const body = JSON.stringify(statusOf(code, message));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
