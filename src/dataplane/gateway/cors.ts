/**
 * A route's `corsPolicy` as Envoy's CORS filter applies it: a preflight (OPTIONS with
 * Origin and Access-Control-Request-Method) from an allowed origin is answered by the
 * gateway itself; an ordinary request from an allowed origin gets the allow-origin,
 * credentials and expose headers on its response. Requests from other origins pass
 * through untouched (the browser enforces the missing headers).
 */
import type { CorsSettings } from '../config/model.ts';
import { matchesString } from '../config/string-match.ts';

export type CorsOutcome =
  | { kind: 'preflight'; headers: string[] }
  | { kind: 'actual'; responseHeaders: [string, string][] }
  | { kind: 'none' };

export function applyCors(cors: CorsSettings | undefined, method: string, headers: Readonly<Record<string, string | undefined>>): CorsOutcome {
  const origin = headers.origin;
  if (!cors || !origin || !cors.allowOrigins.some((m) => matchesString(m, origin))) return { kind: 'none' };
  const credentials: [string, string][] = cors.allowCredentials ? [['access-control-allow-credentials', 'true']] : [];
  if (method === 'OPTIONS' && headers['access-control-request-method']) {
    const out: [string, string][] = [['access-control-allow-origin', origin], ...credentials];
    if (cors.allowMethods.length > 0) out.push(['access-control-allow-methods', cors.allowMethods.join(',')]);
    if (cors.allowHeaders.length > 0) out.push(['access-control-allow-headers', cors.allowHeaders.join(',')]);
    if (cors.maxAgeSeconds !== undefined) out.push(['access-control-max-age', String(cors.maxAgeSeconds)]);
    return { kind: 'preflight', headers: out.flat() };
  }
  const out: [string, string][] = [['access-control-allow-origin', origin], ...credentials];
  if (cors.exposeHeaders.length > 0) out.push(['access-control-expose-headers', cors.exposeHeaders.join(',')]);
  return { kind: 'actual', responseHeaders: out };
}
