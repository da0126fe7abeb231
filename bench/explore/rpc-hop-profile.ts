/**
 * Exploration: where the kit's RPC hop spends its CPU. The kit's server and client (as in the
 * rpc-hop suite) in this process, 32 calls in flight for DURATION_MS (default 5 s) under the
 * profiler; prints the functions with the most self time and the time per package.
 *
 *   npx tsx bench/explore/rpc-hop-profile.ts
 */
import { Session } from 'node:inspector/promises';
import { closedLoop } from '../baselines/http2-echo.js';
import { clients, servers } from '../suites/rpc-hop.js';

const durationMs = Number(process.env.DURATION_MS ?? 5_000);
const server = await servers.kit();
const client = clients.kit(server.port);
await closedLoop(client.call, { concurrency: 32, warmupMs: 500, durationMs: 1_000 });
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const result = await closedLoop(client.call, { concurrency: 32, warmupMs: 0, durationMs });
const { profile } = await session.post('Profiler.stop');
console.log(`${Math.round(result.rate)} calls/s`);
client.close();
await server.close();

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
const packages = new Map<string, number>();
let total = 0;
(profile.samples ?? []).forEach((id, i) => {
  const frame = byId.get(id)?.callFrame;
  const delta = profile.timeDeltas?.[i] ?? 0;
  if (!frame) return;
  total += delta;
  const where = frame.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
  const key = `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + delta);
  const pkg = frame.url.includes('node_modules/')
    ? (frame.url.split('node_modules/').at(-1)?.split('/').slice(0, 2).join('/') ?? '?')
    : frame.url.startsWith('node:')
      ? 'node'
      : where.split('/').slice(0, 3).join('/') || frame.functionName;
  packages.set(pkg, (packages.get(pkg) ?? 0) + delta);
});
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
console.log(top(packages, 15).join('\n'));
console.log(top(self, 35).join('\n'));

// Who builds the ConnectErrors (callers, four frames up).
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const callers = new Map<string, number>();
(profile.samples ?? []).forEach((id, i) => {
  if (byId.get(id)?.callFrame.functionName !== (process.env.WHO ?? 'ConnectError')) return;
  const chain: string[] = [];
  for (let p = parents.get(id); p !== undefined && chain.length < 6; p = parents.get(p)) {
    const f = byId.get(p)?.callFrame;
    if (f) chain.push(`${f.functionName || '(anon)'}@${f.url.split('/').at(-1)}:${f.lineNumber}`);
  }
  const key = chain.join(' < ');
  callers.set(key, (callers.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
});
console.log(top(callers, 5).join('\n'));
