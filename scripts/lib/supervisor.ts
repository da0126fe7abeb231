/**
 * A small process supervisor for local runs: starts each process in its own process group, prefixes
 * every line it prints with its name, restarts nothing, and on stop sends SIGTERM, waits a grace
 * period, then SIGKILLs whatever is left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export type OutputStream = 'stdout' | 'stderr';

export interface SupervisorOptions {
  /** How long a process has between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  /** Where prefixed lines go; the console by default. */
  readonly write?: (line: string, stream: OutputStream) => void;
}

export interface ProcessExit {
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when it exited on its own, before anyone asked it to stop. */
  readonly unexpected: boolean;
}

export interface Supervisor {
  /** SIGTERM to all, SIGKILL after the grace; resolves when every process has exited. */
  stop(): Promise<readonly ProcessExit[]>;
  /** SIGKILL to all now (a second Ctrl-C). */
  kill(): void;
  /** Resolves once every process has exited, however that happened. */
  readonly exited: Promise<readonly ProcessExit[]>;
}

const defaultWrite = (line: string, stream: OutputStream) => process[stream].write(`${line}\n`);

export function supervise(specs: readonly ProcessSpec[], options: SupervisorOptions): Supervisor {
  const write = options.write ?? defaultWrite;
  const width = Math.max(0, ...specs.map((s) => s.name.length));
  const label = (name: string) => `${name.padEnd(width)} |`;
  const running = new Map<string, ChildProcess>();
  const exits: ProcessExit[] = [];
  let stopping = false;
  let graceTimer: NodeJS.Timeout | undefined;
  let allExited: (exits: readonly ProcessExit[]) => void = () => {};
  const exited = new Promise<readonly ProcessExit[]>((resolve) => {
    allExited = resolve;
  });

  const signalAll = (signal: NodeJS.Signals) => {
    for (const child of running.values()) {
      // The whole group, so a process's own children go too.
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
        } catch {}
      }
    }
  };
  // If the supervisor itself dies, it must not leave servers holding the ports.
  const killOnExit = () => signalAll('SIGKILL');
  process.once('exit', killOnExit);

  const settle = () => {
    if (running.size > 0) return;
    clearTimeout(graceTimer);
    process.removeListener('exit', killOnExit);
    allExited(exits);
  };

  for (const spec of specs) {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.set(spec.name, child);
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream], crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
        write(`${label(spec.name)} ${line}`, stream),
      );
    }
    let reported = false;
    const report = (code: number | null, signal: NodeJS.Signals | null) => {
      if (reported) return;
      reported = true;
      running.delete(spec.name);
      const unexpected = !stopping;
      exits.push({ name: spec.name, code, signal, unexpected });
      const how = signal ? `signal ${signal}` : `code ${code}`;
      write(`${label(spec.name)} exited with ${how}${unexpected ? ' (not restarted)' : ''}`, 'stderr');
      settle();
    };
    child.once('error', (err) => {
      write(`${label(spec.name)} could not start: ${err.message}`, 'stderr');
      report(null, null);
    });
    // 'close', not 'exit': the last lines of output are flushed by then.
    child.once('close', report);
  }
  settle();

  return {
    exited,
    stop: () => {
      if (!stopping) {
        stopping = true;
        signalAll('SIGTERM');
        graceTimer = setTimeout(() => {
          for (const name of running.keys())
            write(`${label(name)} did not stop in ${options.graceMs} ms: SIGKILL`, 'stderr');
          signalAll('SIGKILL');
        }, options.graceMs);
      }
      return exited;
    },
    kill: () => {
      stopping = true;
      signalAll('SIGKILL');
    },
  };
}
