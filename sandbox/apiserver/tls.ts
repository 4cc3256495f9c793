/**
 * The API server's TLS material: a throwaway CA and a serving certificate it signs (SHA-256, ECDSA P-256),
 * valid for 127.0.0.1, localhost and the in-cluster `kubernetes` service names. Generated at start; the CA
 * goes into the kubeconfig as `certificate-authority-data`.
 */
import { generate } from 'selfsigned';

/** PEM strings for the https server and its clients. */
export interface TlsMaterial {
  caCert: string;
  cert: string;
  key: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Generates a CA and a serving certificate signed by it. */
export async function generateTls(host = '127.0.0.1'): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 365 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'sandbox-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 2, value: 'kubernetes' },
    { type: 2, value: 'kubernetes.default' },
    { type: 2, value: 'kubernetes.default.svc' },
    { type: 2, value: 'kubernetes.default.svc.cluster.local' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '10.96.0.1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost')
    altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  const server = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}
