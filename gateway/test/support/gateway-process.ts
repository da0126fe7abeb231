/**
 * One more gateway as a real process (`node --import tsx src/main.ts` in gateway/), for the tests
 * that need settings other than the system's own gateway: tiny rate limits, Redis, another users.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceDirectory } from '@paymesh/platform/mesh/topology';
import { freePort } from '@paymesh/platform/testing/nats';

export interface GatewayProcess {
  readonly url: string;
  logs(): string;
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const adminPort = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDirectory('gateway'),
    env: {
      ...process.env,
      SERVICE_NAME: 'gateway',
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running()) throw new Error(`gateway exited while starting:\n${output.join('\n')}`);
    const ready = await fetch(`http://127.0.0.1:${adminPort}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gateway was not ready within 30 s:\n${output.join('\n')}`);
    }
    await sleep(100);
  }
  return { url: `http://127.0.0.1:${port}`, logs: () => output.slice(-40).join('\n'), stop };
}
