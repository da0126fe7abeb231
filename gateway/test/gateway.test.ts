/**
 * The gateway against the real services, all as processes on real Postgres and NATS, called as
 * the outside world calls it. One system serves every suite; the outage comes last.
 */
import { after, before } from 'node:test';
import { accessSuite } from './suites/access.js';
import { edgeSuite } from './suites/edge.js';
import { journeySuite } from './suites/journey.js';
import { keyRotationSuite } from './suites/key-rotation.js';
import { outageSuite } from './suites/outage.js';
import { ownershipSuite } from './suites/ownership.js';
import { publicApiSuite } from './suites/public-api.js';
import { rateLimitSuite } from './suites/rate-limits.js';
import { type GatewaySystem, startGatewaySystem } from './support/gateway-system.js';

let running: GatewaySystem | undefined;
const sys = (): GatewaySystem => {
  if (!running) throw new Error('the system did not start');
  return running;
};

before(async () => {
  running = await startGatewaySystem();
});

after(async () => {
  await running?.dispose();
});

publicApiSuite(sys);
accessSuite(sys);
ownershipSuite(sys);
journeySuite(sys);
edgeSuite(sys);
rateLimitSuite(sys);
keyRotationSuite(sys);
outageSuite(sys);
