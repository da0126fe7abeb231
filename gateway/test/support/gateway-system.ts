/**
 * The system the gateway's tests run against: users, accounts, risk, currency, transactions and
 * the gateway as real processes, the gateway serving a small web build from a temporary WEB_DIST,
 * with an operator signed in through it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { type Member, signUp } from './gateway-clients.js';

export const OPERATOR_EMAIL = 'operator@paymesh.test';
export const WEB_ORIGIN = 'http://app.paymesh.test';
export const ASSET_PATH = '/assets/app-Dk3v9Q2x.js';
export const INDEX_HTML =
  '<!doctype html><html><head><title>paymesh test app</title></head><body><div id="root"></div></body></html>\n';
/** Big enough to be worth compressing. */
export const ASSET_JS = `${'console.log("paymesh");\n'.repeat(200)}`;

export const gatewaySystemServices = ['users', 'accounts', 'risk', 'currency', 'transactions', 'gateway'];

export interface GatewaySystem {
  readonly system: RunningSystem;
  /** The gateway's public URL. */
  readonly url: string;
  readonly operator: Member;
  dispose(): Promise<void>;
}

export async function startGatewaySystem(): Promise<GatewaySystem> {
  const webDist = await mkdtemp(join(tmpdir(), 'paymesh-web-'));
  await mkdir(join(webDist, 'assets'));
  await writeFile(join(webDist, 'index.html'), INDEX_HTML);
  await writeFile(join(webDist, ASSET_PATH), ASSET_JS);
  let system: RunningSystem | undefined;
  try {
    system = await startSystem({
      services: gatewaySystemServices,
      env: {
        users: { OPERATOR_EMAILS: OPERATOR_EMAIL },
        // Every call of this suite comes from 127.0.0.1: the budgets are proved on gateways of their own.
        gateway: {
          WEB_ORIGIN,
          WEB_DIST: webDist,
          RATE_LIMIT_PER_IP: '1000000',
          RATE_LIMIT_PER_USER: '1000000',
        },
      },
    });
    const url = system.url('gateway');
    const operator = await signUp(url, 'operator', OPERATOR_EMAIL);
    const running = system;
    return {
      system,
      url,
      operator,
      async dispose() {
        await running.dispose();
        await rm(webDist, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await system?.dispose();
    await rm(webDist, { recursive: true, force: true });
    throw err;
  }
}
