/**
 * What the infrastructure command needs to know about this machine: whether a server answers on a
 * TCP port, whether a program is installed, and whether an address is one we may start a server for.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where Debian puts daemons; not always on a non-root PATH. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Polls `probe` until it returns true or `timeoutMs` passes. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
}

/**
 * The path of an installed program: `override` (an env variable's value) if set, else the first
 * executable `name` on PATH or in the sbin directories; undefined when it is not installed.
 */
export async function findProgram(name: string, override?: string): Promise<string | undefined> {
  const candidates = override
    ? [override]
    : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS].map((dir) =>
        join(dir, name),
      );
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** Only a server on this machine is ours to start. */
export function isLocalHost(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

/** A failure the command reports as one line, without a stack. */
export class InfraError extends Error {
  override readonly name = 'InfraError';
}

/** host:port of a postgres:// or nats:// URL, without credentials. */
export function where(url: string): string {
  const { protocol, hostname, port } = new URL(url);
  return `${hostname}:${port || (protocol === 'nats:' ? '4222' : '5432')}`;
}

/** The most useful line of a failure: a child process's stderr, else the message. */
export function errorMessage(err: unknown): string {
  const stderr = (err as { stderr?: unknown }).stderr;
  if (typeof stderr === 'string' && stderr.trim()) return stderr.trim().split('\n').join(' ');
  return err instanceof Error ? err.message : String(err);
}
