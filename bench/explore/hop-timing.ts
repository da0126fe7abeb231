/** Per-upstream call latency under concurrency: risk.AssessTransfer, accounts.HoldFunds/CaptureHold, each alone. */
import { randomUUID } from 'node:crypto';
import { startSystem } from '@paymesh/platform/testing/system';
import { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';
import { RiskService } from '@paymesh/proto/paymesh/risk/v1/risk_pb';
import { fundedAccounts } from '../funded-accounts.js';

const concurrency = Number(process.argv[2] ?? 32);
const system = await startSystem({ services: ['accounts', 'risk'] });
async function loop(name: string, fn: () => Promise<unknown>) {
  const lat: number[] = [];
  const deadline = performance.now() + 3000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await fn();
        lat.push(performance.now() - t);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  console.log(
    `${name}: ${(lat.length / 3).toFixed(0)}/s p50 ${lat[lat.length >> 1]?.toFixed(1)} ms p99 ${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)}`,
  );
}
try {
  const risk = system.client('risk', RiskService);
  const accounts = system.client('accounts', AccountsService);
  const ids = await fundedAccounts(system, { count: 100, amount: 10n ** 12n });
  const pick = () => must(ids[Math.floor(Math.random() * 100)]);
  await loop('risk.assess', () =>
    risk.assessTransfer({
      transferId: randomUUID(),
      sourceAccountId: pick(),
      destinationAccountId: randomUUID(),
      amount: 5n,
      currency: 'EUR',
    }),
  );
  await loop('accounts.get', () => accounts.getAccount({ accountId: pick() }));
  await loop('accounts.hold+capture', async () => {
    const transferId = randomUUID();
    const src = pick();
    let dst = pick();
    while (dst === src) dst = pick();
    await accounts.holdFunds({ transferId, accountId: src, amount: 5n, currency: 'EUR' });
    await accounts.captureHold({
      transferId,
      destinationAccountId: dst,
      destinationAmount: 5n,
      destinationCurrency: 'EUR',
    });
  });
} finally {
  await system.dispose();
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing value');
  return value;
}
