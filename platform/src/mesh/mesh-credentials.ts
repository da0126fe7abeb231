/**
 * A workload's mesh credentials, read from the files the MESH_TLS_* variables name (a mounted
 * secret in a cluster, `.paymesh/mesh-tls` under `npm start`, a temporary directory in tests) and
 * reloaded when they change, so certificates rotate without a restart: new connections use the new
 * certificate, connections already open keep the one they were made with.
 *
 * It answers the two sides of mTLS: the server options (require and verify a client certificate
 * from the mesh CA) and, per upstream, the client options (present ours, and accept the server only
 * if its certificate carries the identity the topology gives that upstream).
 */

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { SecureClientSessionOptions } from 'node:http2';
import { createSecureContext, type PeerCertificate, type SecureContext, type TlsOptions } from 'node:tls';
import type { Logger } from '../telemetry/logger.js';
import { type CredentialFiles, spiffeIdentities } from './certificates.js';

export interface MeshCredentials {
  /** Our identity, the SPIFFE URI of our certificate. */
  readonly identity: string;
  /** Serial number of the certificate in use (changes on rotation). */
  readonly serialNumber: string;
  /** Server side, current: our certificate, the CA, client certificates required. */
  serverOptions(): TlsOptions;
  /** Client side: present our certificate; the server must prove `peerIdentity`. */
  clientOptions(peerIdentity: string): SecureClientSessionOptions;
  /** Calls `listener` after each reload with new material. */
  onChange(listener: () => void): void;
  /** Stops watching the files. */
  close(): void;
}

interface Material {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly identity: string;
  readonly serialNumber: string;
  readonly context: SecureContext;
}

export interface LoadCredentialsOptions {
  logger?: Logger;
  /** How often the files are checked for a change (default 2 s); 0 reads them once. */
  watchIntervalMs?: number;
}

export async function loadMeshCredentials(
  files: CredentialFiles,
  options: LoadCredentialsOptions = {},
): Promise<MeshCredentials> {
  const { logger } = options;
  let material = await readMaterial(files);
  const listeners: (() => void)[] = [];
  let reloading = false;

  const reload = async () => {
    if (reloading) return;
    reloading = true;
    try {
      const next = await readMaterial(files);
      if (next.serialNumber === material.serialNumber && next.ca === material.ca) return;
      if (next.identity !== material.identity) {
        throw new Error(`the new certificate names ${next.identity}, not ${material.identity}`);
      }
      material = next;
      logger?.info({ identity: next.identity, serialNumber: next.serialNumber }, 'mesh certificate reloaded');
      for (const listener of listeners) listener();
    } catch (err) {
      // Half-rotated files (certificate without its key yet) or a bad secret: keep what works.
      logger?.warn({ err }, 'mesh credentials changed but could not be loaded; keeping the current ones');
    } finally {
      reloading = false;
    }
  };
  const interval = options.watchIntervalMs ?? 2_000;
  const watched = [files.caFile, files.certFile, files.keyFile];
  const onFileChange = () => void reload();
  if (interval > 0)
    for (const file of watched) watchFile(file, { interval, persistent: false }, onFileChange);

  return {
    get identity() {
      return material.identity;
    },
    get serialNumber() {
      return material.serialNumber;
    },
    serverOptions: () => ({
      ca: material.ca,
      cert: material.cert,
      key: material.key,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    }),
    clientOptions(peerIdentity) {
      return {
        // A getter: http2.connect copies the options on every (re)connection, so a reconnect after a
        // rotation presents the new certificate.
        get secureContext() {
          return material.context;
        },
        minVersion: 'TLSv1.3',
        rejectUnauthorized: true,
        // SNI from the identity, not the address (an IP is no server name); the check below is what counts.
        servername: peerIdentity.slice(peerIdentity.lastIndexOf('/') + 1),
        checkServerIdentity: (_host: string, cert: PeerCertificate) => checkPeer(cert, peerIdentity),
      };
    },
    onChange: (listener) => {
      listeners.push(listener);
    },
    close() {
      for (const file of watched) unwatchFile(file, onFileChange);
    },
  };
}

/** The peer's SPIFFE identity from the certificate it presented; undefined when it has none. */
export function peerIdentityOf(cert: PeerCertificate | undefined): string | undefined {
  if (!cert?.raw) return undefined;
  return spiffeIdentities(new X509Certificate(cert.raw))[0];
}

function checkPeer(cert: PeerCertificate, expected: string): Error | undefined {
  const actual = peerIdentityOf(cert);
  if (actual === expected) return undefined;
  return Object.assign(new Error(`the server is ${actual ?? 'not a mesh workload'}, not ${expected}`), {
    code: 'ERR_MESH_PEER_IDENTITY',
  });
}

async function readMaterial(files: CredentialFiles): Promise<Material> {
  const [ca, cert, key] = await Promise.all([
    readFile(files.caFile, 'utf8'),
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
  ]);
  const parsed = new X509Certificate(cert);
  if (!parsed.checkPrivateKey(createPrivateKey(key))) {
    throw new Error(`${files.keyFile} is not the key of ${files.certFile}`);
  }
  const identity = spiffeIdentities(parsed)[0];
  if (!identity) throw new Error(`${files.certFile} carries no spiffe:// identity`);
  // Throws on a malformed PEM: caught by the caller before anything switches to it.
  const context = createSecureContext({ ca, cert, key, minVersion: 'TLSv1.3' });
  return { ca, cert, key, identity, serialNumber: parsed.serialNumber, context };
}
