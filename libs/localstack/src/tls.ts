// A certificate authority and a server certificate for 127.0.0.1/localhost,
// made with the openssl CLI: what the test harness and `npm start` use to serve
// NATS over TLS without a public certificate.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface LocalCertificate {
  /** The CA's certificate (PEM): what clients trust (NATS_TLS_CA). */
  ca: string;
  /** The server's certificate and key (PEM files). */
  cert: string;
  key: string;
}

/** Makes (or reuses) a CA and a server certificate under `dir`, valid for `hosts` (names or IPs). */
export function localCertificate(
  dir: string,
  hosts: string[] = ['127.0.0.1', 'localhost'],
): LocalCertificate {
  const files = {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
    csr: path.join(dir, 'server.csr'),
    ext: path.join(dir, 'server.ext'),
  };
  if ([files.ca, files.cert, files.key].every((file) => fs.existsSync(file))) return files;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const san = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '825',
    '-subj',
    '/CN=hrm local CA',
    '-keyout',
    files.caKey,
    '-out',
    files.ca,
  );
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-subj',
    `/CN=${hosts[0] ?? 'localhost'}`,
    '-keyout',
    files.key,
    '-out',
    files.csr,
  );
  fs.writeFileSync(files.ext, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    files.csr,
    '-CA',
    files.ca,
    '-CAkey',
    files.caKey,
    '-CAcreateserial',
    '-days',
    '825',
    '-extfile',
    files.ext,
    '-out',
    files.cert,
  );
  fs.chmodSync(files.key, 0o600);
  fs.chmodSync(files.caKey, 0o600);
  return files;
}
