/**
 * NATS for tests. Most suites share the machine's server under a unique namespace; suites that
 * stop and restart the broker get a private nats-server process with its own store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectBus } from '../nats/connection.js';

export const SHARED_NATS_URL = process.env.PAYMESH_NATS_URL ?? 'nats://127.0.0.1:4222';

/** A namespace no other run uses, e.g. t3f9a1c2. */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

export interface PrivateNats {
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store; resolves once JetStream answers. */
  start(): Promise<void>;
  /** SIGTERM, then a start on the same port and store: a broker restart. */
  restart(): Promise<void>;
  /** Stops it for good and removes its store. */
  dispose(): Promise<void>;
}

const NATS_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const READY_TIMEOUT_MS = 20_000;

/**
 * A nats-server of this process's own (JetStream, a file store in a temporary directory, a free
 * port), killed with the process should it end without `dispose`.
 */
export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'paymesh-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async () => {
    child = spawn(NATS_BIN, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
      stdio: 'ignore',
    });
    await untilJetStreamAnswers(url, port);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      process.off('exit', killOnExit);
      await stop();
      await rm(store, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Until the port takes connections and JetStream answers on it (it may still be recovering its store). */
async function untilJetStreamAnswers(url: string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await listening(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listened on ${url} within ${READY_TIMEOUT_MS} ms`);
    await sleep(50);
  }
  const probe = await connectBus(url, 'private-nats-probe');
  try {
    for (;;) {
      try {
        await (await probe.jsm()).getAccountInfo();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`JetStream at ${url} did not answer: ${String(err)}`);
        await sleep(100);
      }
    }
  } finally {
    await probe.close();
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
