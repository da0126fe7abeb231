/**
 * The development certificate authority of the local mesh: one CA per machine (or per test system)
 * and one short-lived certificate per workload whose identity is a SPIFFE URI in the subject
 * alternative name, the way Linkerd's identity service issues them in a cluster. ECDSA P-256 keys
 * from WebCrypto; the certificates are ordinary X.509 that node, grpc-js and `buf curl` all accept
 * (DNS `localhost` and IP 127.0.0.1 are in the names too, for tools that check the host).
 *
 * On disk (`writeMeshCredentials`): `ca.pem`, `ca-key.pem`, and `<service>.pem` / `<service>-key.pem`
 * per workload, keys readable by the owner only. Re-running it keeps the CA and every certificate
 * with time left, and reissues the ones that expire soon: that is the rotation, with no code change,
 * because services reload their files when they change.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const hourMs = 3_600_000;

export interface PemPair {
  /** The certificate, PEM. */
  readonly cert: string;
  /** Its PKCS#8 private key, PEM. */
  readonly key: string;
}

export interface CertificateAuthority extends PemPair {
  /** Issues a workload certificate for `identity` (a SPIFFE URI), valid `validHours` from now. */
  issue(identity: string, options?: { validHours?: number }): Promise<PemPair>;
}

/** A new self-signed CA (the trust anchor every workload certificate chains to). */
export async function createCertificateAuthority(options: {
  name: string;
  validDays?: number;
}): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${options.name}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (options.validDays ?? 365) * 24 * hourMs),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return authorityFrom(cert, keys.privateKey, await keyPem(keys.privateKey));
}

/** The CA saved earlier by `writeMeshCredentials`. */
export async function loadCertificateAuthority(pair: PemPair): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(pair.cert);
  const der = x509.PemConverter.decodeFirst(pair.key);
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  return authorityFrom(cert, privateKey, pair.key);
}

function authorityFrom(
  caCert: x509.X509Certificate,
  caKey: webcrypto.CryptoKey,
  caKeyPem: string,
): CertificateAuthority {
  return {
    cert: caCert.toString('pem'),
    key: caKeyPem,
    async issue(identity, options = {}) {
      if (!identity.startsWith('spiffe://')) throw new Error(`not a SPIFFE identity: ${identity}`);
      const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
      const now = Date.now();
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${identity.slice(identity.lastIndexOf('/') + 1)}`,
        issuer: caCert.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + (options.validHours ?? 24) * hourMs),
        publicKey: keys.publicKey,
        signingKey: caKey,
        signingAlgorithm: algorithm,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(
            x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement,
            true,
          ),
          // Every workload is both a server (its own port) and a client (of its upstreams).
          new x509.ExtendedKeyUsageExtension(
            [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
            false,
          ),
          new x509.SubjectAlternativeNameExtension([
            { type: 'url', value: identity },
            { type: 'dns', value: 'localhost' },
            { type: 'ip', value: '127.0.0.1' },
          ]),
          await x509.AuthorityKeyIdentifierExtension.create(caCert),
        ],
      });
      return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
    },
  };
}

/** Where the credentials of one workload are, as the MESH_TLS_* variables name them. */
export interface CredentialFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export function credentialFiles(dir: string, name: string): CredentialFiles {
  return {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, `${name}.pem`),
    keyFile: join(dir, `${name}-key.pem`),
  };
}

/** The variables a service reads its mesh credentials from. */
export function credentialVariables(files: CredentialFiles): Record<string, string> {
  return {
    MESH_TLS_CA_FILE: files.caFile,
    MESH_TLS_CERT_FILE: files.certFile,
    MESH_TLS_KEY_FILE: files.keyFile,
  };
}

export interface WriteCredentialsOptions {
  /** Workload name → SPIFFE identity. */
  identities: Readonly<Record<string, string>>;
  /** A certificate with less than this left is reissued (default: a third of its lifetime). */
  renewBeforeMs?: number;
  /** Lifetime of new workload certificates (default 24 h). */
  validHours?: number;
  /** Reissue every workload certificate now, whatever it has left. */
  rotate?: boolean;
}

export interface WrittenCredentials {
  readonly dir: string;
  /** The workloads whose certificate was (re)issued by this run. */
  readonly issued: readonly string[];
  files(name: string): CredentialFiles;
}

/**
 * Makes sure `dir` holds a CA and a current certificate for every workload; idempotent. Files are
 * replaced atomically (write, then rename), so a service reloading them never reads half a key.
 */
export async function writeMeshCredentials(
  dir: string,
  options: WriteCredentialsOptions,
): Promise<WrittenCredentials> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const caPair = await readPair(join(dir, 'ca.pem'), join(dir, 'ca-key.pem'));
  const ca = caPair
    ? await loadCertificateAuthority(caPair)
    : await createCertificateAuthority({ name: 'paymesh development CA' });
  if (!caPair) {
    await writeAtomically(join(dir, 'ca-key.pem'), ca.key, 0o600);
    await writeAtomically(join(dir, 'ca.pem'), ca.cert, 0o644);
  }
  const caCert = new X509Certificate(ca.cert);
  const issued: string[] = [];
  for (const [name, identity] of Object.entries(options.identities)) {
    const files = credentialFiles(dir, name);
    const current = await readPair(files.certFile, files.keyFile);
    if (!options.rotate && current && isCurrent(current.cert, caCert, identity, options.renewBeforeMs))
      continue;
    const pair = await ca.issue(identity, { validHours: options.validHours });
    // Key first: a reader that sees the new certificate finds its key already there.
    await writeAtomically(files.keyFile, pair.key, 0o600);
    await writeAtomically(files.certFile, pair.cert, 0o644);
    issued.push(name);
  }
  return { dir, issued, files: (name) => credentialFiles(dir, name) };
}

/** The SPIFFE URIs in a certificate's subject alternative names. */
export function spiffeIdentities(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((name) => name.startsWith('URI:spiffe://'))
    .map((name) => name.slice('URI:'.length));
}

function isCurrent(pem: string, ca: X509Certificate, identity: string, renewBeforeMs?: number): boolean {
  const cert = new X509Certificate(pem);
  if (!cert.verify(ca.publicKey) || !spiffeIdentities(cert).includes(identity)) return false;
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return to - Date.now() > (renewBeforeMs ?? (to - from) / 3);
}

async function readPair(certFile: string, keyFile: string): Promise<PemPair | undefined> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function serial(): string {
  // Positive, 16 bytes of randomness: unique without a registry.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
