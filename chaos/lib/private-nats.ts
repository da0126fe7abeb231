/**
 * The bank test's own nats-server (JetStream, file store in a temp dir, a free port), so restarting
 * the broker disturbs no other test. Unlike the kit's outage-test server it waits for JetStream to
 * answer after each start, and it is killed with this process if the run dies without disposing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectBus } from '@paymesh/platform/nats/connection';
import { freePort } from '@paymesh/platform/testing/nats';

const NATS_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const READY_TIMEOUT_MS = 20_000;

export interface PrivateNats {
  readonly url: string;
  /** SIGTERM, wait for the exit, start again on the same port and store; resolves once JetStream answers. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPrivateNats(): Promise<PrivateNats> {
  const port = await freePort();
  const store = await mkdtemp(join(tmpdir(), 'paymesh-chaos-nats-'));
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

async function untilJetStreamAnswers(url: string, port: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await listening(port))) {
    if (Date.now() > deadline) throw new Error(`nothing listened on ${url} within ${READY_TIMEOUT_MS} ms`);
    await sleep(50);
  }
  const probe = await connectBus(url, 'chaos-nats-probe');
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
