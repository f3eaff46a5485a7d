/**
 * TLS origination towards a cluster, as its DestinationRule's `trafficPolicy.tls` asks:
 * SIMPLE (e.g. an egress gateway calling an external HTTPS ServiceEntry) verifies the
 * server against the system roots, with the SNI from `sni` or else the host (Istio's auto
 * SNI) and the name checked against `subjectAltNames` or else that SNI
 * (VERIFY_CERTIFICATE_AT_CLIENT). ISTIO_MUTUAL — also auto mTLS — stays plain here: no
 * sidecar terminates mTLS in front of pods yet. MUTUAL needs client certificates from
 * `credentialName`, not read yet: plain as well.
 */
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { Cluster } from '../config/model.ts';

export function upstreamTls(cluster: Cluster): { tls: ConnectionOptions; tlsKey: string } | undefined {
  const t = cluster.tls;
  if (t.mode !== 'SIMPLE') return undefined;
  const servername = t.sni ?? cluster.host;
  const sans = t.subjectAltNames;
  const tls: ConnectionOptions = {
    servername,
    ALPNProtocols: ['http/1.1'],
    rejectUnauthorized: t.insecureSkipVerify !== true,
    checkServerIdentity: (host: string, cert: PeerCertificate) => {
      if (t.insecureSkipVerify === true) return undefined;
      if (sans.length === 0) return checkServerIdentity(servername, cert);
      const names = (cert.subjectaltname ?? '').split(',').map((s) => s.trim().replace(/^(DNS|URI|IP Address):/, ''));
      return sans.some((s) => names.includes(s)) ? undefined : new Error(`the certificate of ${host} names none of ${sans.join(', ')}`);
    },
  };
  return { tls, tlsKey: `simple|${servername}|${sans.join(',')}|${t.insecureSkipVerify === true}` };
}
