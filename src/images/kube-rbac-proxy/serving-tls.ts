/**
 * The HTTPS side: --tls-min-version in Go's names, the serving certificate from
 * --tls-cert-file/--tls-private-key-file re-read every --tls-reload-interval (upstream's
 * CertReloader: a changed pair replaces the old one for new connections; a pair that can
 * no longer be read ends the program), or a self-signed certificate for the hostname when
 * no files are given. Client certificates are requested, never required, and verified
 * against --client-ca-file when set (Go's tls.RequestClientCert plus the x509 authenticator).
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureVersion, type TlsOptions } from 'node:tls';

const TLS_VERSIONS: Record<string, SecureVersion> = { VersionTLS10: 'TLSv1', VersionTLS11: 'TLSv1.1', VersionTLS12: 'TLSv1.2', VersionTLS13: 'TLSv1.3' };

/** k8s.io/component-base's TLSVersion: '' is the default (TLS 1.2 for this proxy). */
export function tlsMinVersion(name: string): SecureVersion | { error: string } {
  if (name === '') return 'TLSv1.2';
  return TLS_VERSIONS[name] ?? { error: `TLS version invalid: unknown tls version "${name}"` };
}

export interface ServingPair {
  cert: string;
  key: string;
}

export function servingTlsOptions(pair: ServingPair, minVersion: SecureVersion, clientCA: string | undefined): TlsOptions {
  return {
    cert: pair.cert,
    key: pair.key,
    minVersion,
    requestCert: true,
    rejectUnauthorized: false,
    ...(clientCA ? { ca: clientCA } : {}),
  };
}

/** Reads the pair and checks that it makes a TLS context (Go's tls.X509KeyPair). */
export function loadServingPair(certFile: string, keyFile: string): ServingPair {
  const cert = readOrExplain(certFile, 'error loading certificate');
  const key = readOrExplain(keyFile, 'error loading key');
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new Error(`error parsing certificate: ${(err as Error).message}`);
  }
  return { cert, key };
}

function readOrExplain(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`${what}: open ${file}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  }
}

/**
 * Polls the files; calls `changed` with a new good pair, `failed` once when they cannot be
 * read (upstream then exits). A pair that does not match — caught between the writes of a
 * non-atomic update — is tried again on the next tick, where upstream would exit.
 */
export function watchServingPair(certFile: string, keyFile: string, current: ServingPair, intervalMs: number, changed: (pair: ServingPair) => void, failed: (err: Error) => void): () => void {
  let last = current;
  const timer = setInterval(() => {
    let pair: ServingPair;
    try {
      pair = loadServingPair(certFile, keyFile);
    } catch (err) {
      if ((err as Error).message.startsWith('error parsing certificate')) return;
      clearInterval(timer);
      return failed(err as Error);
    }
    if (pair.cert !== last.cert || pair.key !== last.key) {
      last = pair;
      changed(pair);
    }
  }, Math.max(intervalMs, 10));
  timer.unref();
  return () => clearInterval(timer);
}
