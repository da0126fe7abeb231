/**
 * Exploration: where the kit's RPC hop spends its CPU. The kit's server and client (as in the
 * rpc-hop suite) in this process, 32 calls in flight for DURATION_MS (default 5 s) under the
 * profiler; prints the time per package and the functions with the most self time (WHO=name adds
 * the call chains leading to that function).
 *
 *   npx tsx bench/explore/rpc-hop-profile.ts
 */
import { Session } from 'node:inspector/promises';
import { closedLoop } from '../baselines/http2-echo.js';
import { clients, servers } from '../suites/rpc-hop.js';
import { summarizeProfile } from './profile-summary.js';

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

const summary = summarizeProfile(profile);
console.log(summary.packages(15).join('\n'));
console.log(summary.functions(35).join('\n'));
if (process.env.WHO) console.log(summary.callersOf(process.env.WHO, 5).join('\n'));
