/**
 * What a service process costs, read from /proc: its resident memory and the CPU time it has used.
 * Linux only, as the benchmarks' machines are.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** VmRSS of a process, in MiB. */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  const kib = Number(line?.match(/(\d+)\s*kB/)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for process ${pid}`);
  return kib / 1024;
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  // The command name may hold spaces: the fields that follow start after its closing parenthesis.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The pid of a running service, or an error saying it is not running. */
export function pidOf(system: { pid(service: string): number | undefined }, service: string): number {
  const pid = system.pid(service);
  if (pid === undefined) throw new Error(`${service} is not running`);
  return pid;
}
