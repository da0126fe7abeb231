/**
 * The browser journey against the whole system (users, accounts, risk, currency, transactions and
 * the gateway serving the built app): a customer signs up and opens two accounts, an operator in
 * another browser context funds one, the customer sends money to the other and watches it complete
 * live, balances and history follow, and a transfer beyond the balance fails with the
 * insufficient-funds sentence. Screenshots of every step go to web/test-results/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type RunningSystem, startSystem } from '@paymesh/platform/testing/system';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(webDir, 'dist');
const resultsDir = join(webDir, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 20_000;

const run = randomUUID().slice(0, 8);
const customer = {
  email: `ada-${run}@example.com`,
  name: 'Ada Lovelace',
  password: 'analytical engine 1843',
};
const operator = {
  email: `grace-${run}@example.com`,
  name: 'Grace Hopper',
  password: 'compiler debugging 1947',
};

/** The newest modification time under a path (files only). */
async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** Builds web/dist when it is missing or older than the sources it is made from. */
async function ensureBuilt(): Promise<void> {
  const built = await stat(join(distDir, 'index.html')).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const sources = ['src', 'public', 'build', 'index.html', 'vite.config.ts'].map((p) => join(webDir, p));
  const newest = Math.max(...(await Promise.all(sources.map(newestMtime))));
  if (built > newest) return;
  const { build } = await import('vite');
  await build({ root: webDir, configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn' });
}

let system: RunningSystem;
let browser: Browser;
let shot = 0;
/** Every Content-Security-Policy refusal the pages reported: the app must need none of them lifted. */
const cspViolations: string[] = [];

async function screenshot(page: Page, name: string): Promise<void> {
  shot += 1;
  await page.screenshot({
    path: join(resultsDir, `${String(shot).padStart(2, '0')}-${name}.png`),
    fullPage: true,
  });
}

async function newContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: system.url('gateway'),
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1280, height: 860 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      cspViolations.push(message.text());
    }
  });
  return { context, page };
}

async function signUp(page: Page, who: typeof customer): Promise<void> {
  await page.goto('/');
  await page.getByTestId('go-sign-up').click();
  await page.getByTestId('sign-up-email').fill(who.email);
  await page.getByTestId('sign-up-name').fill(who.name);
  await page.getByTestId('sign-up-password').fill(who.password);
  await page.getByTestId('sign-up-submit').click();
  await page.getByTestId('signed-in-name').filter({ hasText: who.name }).waitFor();
}

/** Waits until a locator's text is exactly `text` (balances arrive after the page renders). */
async function hasText(locator: Locator, text: string): Promise<void> {
  try {
    await locator
      .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
      .waitFor();
  } catch (err) {
    const actual = await locator.textContent().catch(() => '(absent)');
    throw new Error(`expected "${text}", the page shows "${actual}"`, { cause: err });
  }
}

const card = (page: Page, accountId: string) =>
  page.locator(`[data-testid="account-card"][data-account-id="${accountId}"]`);

async function choose(page: Page, selectTestId: string, optionText: string): Promise<void> {
  await page.getByTestId(selectTestId).click();
  await page.getByRole('option', { name: new RegExp(optionText) }).click();
}

describe('the browser journey', { timeout: 240_000 }, () => {
  let customerPage: Page;
  let first = '';
  let second = '';

  before(async () => {
    await rm(resultsDir, { recursive: true, force: true });
    await mkdir(resultsDir, { recursive: true });
    await ensureBuilt();
    system = await startSystem({
      services: ['users', 'accounts', 'risk', 'currency', 'transactions', 'gateway'],
      env: {
        users: { OPERATOR_EMAILS: operator.email },
        gateway: { WEB_DIST: distDir },
        // A transfer whose step has to wait is answered soon and retried often, so the live panel shows it.
        transactions: { TRANSFER_SETTLE_WAIT_MS: '1500', SAGA_RETRY_MAX_MS: '1000' },
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    await system?.dispose();
  });

  it('a new customer sees the password policy, signs up and opens two EUR accounts', async () => {
    ({ page: customerPage } = await newContext());
    const page = customerPage;
    await page.goto('/');
    await page.getByTestId('sign-in-submit').waitFor();
    await screenshot(page, 'sign-in');

    await page.getByTestId('go-sign-up').click();
    await page.getByTestId('sign-up-email').fill(customer.email);
    await page.getByTestId('sign-up-name').fill(customer.name);
    await page.getByTestId('sign-up-password').fill('too short');
    await page.getByTestId('sign-up-submit').click();
    await page.getByText('Use at least 12 characters.').waitFor();
    await screenshot(page, 'sign-up-password-policy');

    await signUp(page, customer);
    await page.getByTestId('accounts-empty').waitFor();
    await screenshot(page, 'signed-up-no-accounts');

    for (const count of [1, 2]) {
      await page.getByTestId('open-account-submit').click();
      await page
        .getByTestId('account-card')
        .nth(count - 1)
        .waitFor();
    }
    const cards = page.getByTestId('account-card');
    assert.equal(await cards.count(), 2);
    first = (await cards.nth(0).getAttribute('data-account-id')) ?? '';
    second = (await cards.nth(1).getAttribute('data-account-id')) ?? '';
    assert.match(first, /^[0-9a-f-]{36}$/);
    assert.notEqual(first, second);
    for (const id of [first, second]) {
      assert.equal(await card(page, id).getAttribute('data-currency'), 'EUR');
      await hasText(card(page, id).getByTestId('balance-available'), '€0.00');
    }
    await screenshot(page, 'two-accounts-opened');
  });

  it('an operator, in a second browser context, funds the customer’s first account', async () => {
    const { context, page } = await newContext();
    await signUp(page, operator);
    await page.getByTestId('operator-badge').waitFor();
    await page.getByTestId('nav-operator').click();
    await page.getByTestId('operator-account-id').fill(first);
    await page.getByTestId('operator-look-up').click();
    await hasText(page.getByTestId('operator-balance-available'), '€0.00');
    await page.getByTestId('fund-amount').fill('100.00');
    await page.getByTestId('fund-reference').fill('Opening balance');
    await screenshot(page, 'operator-funding');
    await page.getByTestId('fund-submit').click();
    await hasText(page.getByTestId('fund-done'), 'Credited €100.00.');
    await hasText(page.getByTestId('operator-balance-available'), '€100.00');
    await screenshot(page, 'operator-funded');
    await context.close();
  });

  it('the customer sends €12.50 to the second account, double-clicking, and sees it complete live', async () => {
    const page = customerPage;
    // The page was open all along: the operator's credit shows once it refreshes.
    await page.getByTestId('accounts-refresh').click();
    await hasText(card(page, first).getByTestId('balance-available'), '€100.00');
    await screenshot(page, 'customer-funded');

    await page.getByTestId('nav-send').click();
    await choose(page, 'send-from', first.slice(0, 8));
    await page.getByTestId('send-to').fill(second);
    await page.getByTestId('send-amount').fill('12.50');
    await page.getByTestId('send-description').fill('Rent share');
    await hasText(page.getByTestId('send-submit'), 'Send €12.50');
    await screenshot(page, 'send-form');
    // Two clicks in a row: one key, one transfer.
    await page.getByTestId('send-submit').dblclick();

    const status = page.getByTestId('transfer-status');
    await status.waitFor();
    await page.locator('[data-testid="transfer-state"][data-state="COMPLETED"]').waitFor();
    const seen = await status
      .getByTestId('transfer-state-seen')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));
    assert.equal(seen.at(-1), 'COMPLETED', `states seen: ${seen.join(' → ')}`);
    await page.getByTestId('transfer-done').getByText('€12.50 arrived in the receiving account.').waitFor();
    await screenshot(page, 'transfer-completed');
  });

  it('balances show the transfer on both accounts', async () => {
    const page = customerPage;
    await page.getByTestId('nav-accounts').click();
    await hasText(card(page, first).getByTestId('balance-available'), '€87.50');
    await hasText(card(page, first).getByTestId('balance-posted'), '€87.50');
    await hasText(card(page, first).getByTestId('balance-held'), '€0.00');
    await hasText(card(page, second).getByTestId('balance-available'), '€12.50');
    await screenshot(page, 'balances-after-transfer');
  });

  it('history lists the transfer once: out of the first account, into the second', async () => {
    const page = customerPage;
    await card(page, first).getByRole('link', { name: 'History' }).click();
    const rows = page.getByTestId('history-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1, 'the double click paid once');
    assert.equal(await rows.first().getAttribute('data-direction'), 'out');
    assert.equal(await rows.first().getAttribute('data-state'), 'COMPLETED');
    await hasText(rows.first().getByTestId('history-amount'), '−€12.50');
    await screenshot(page, 'history-out');

    await choose(page, 'history-account', second.slice(0, 8));
    await page.locator('[data-testid="history-row"][data-direction="in"]').waitFor();
    assert.equal(await rows.count(), 1);
    await hasText(rows.first().getByTestId('history-amount'), '+€12.50');
    await screenshot(page, 'history-in');
  });

  it('sending more than the balance fails with the insufficient-funds sentence and moves nothing', async () => {
    const page = customerPage;
    await page.getByTestId('nav-send').click();
    await choose(page, 'send-from', first.slice(0, 8));
    await page.getByTestId('send-to').fill(second);
    await page.getByTestId('send-amount').fill('500');
    await page.getByTestId('send-submit').click();
    await page.locator('[data-testid="transfer-state"][data-state="FAILED"]').waitFor();
    const failure = page.getByTestId('transfer-failure');
    assert.equal(await failure.getAttribute('data-reason'), 'INSUFFICIENT_FUNDS');
    assert.match(
      (await failure.textContent()) ?? '',
      /Insufficient funds: the available balance does not cover this amount\./,
    );
    await screenshot(page, 'transfer-insufficient-funds');

    await page.getByTestId('nav-accounts').click();
    await hasText(card(page, first).getByTestId('balance-available'), '€87.50');
    await hasText(card(page, second).getByTestId('balance-available'), '€12.50');

    await card(page, first).getByRole('link', { name: 'History' }).click();
    const failedRow = page.locator('[data-testid="history-row"][data-state="FAILED"]');
    await failedRow.waitFor();
    assert.equal(await page.getByTestId('history-row').count(), 2);
    assert.match((await failedRow.getByTestId('history-failure').textContent()) ?? '', /^Insufficient funds/);
    await screenshot(page, 'history-with-failed-transfer');
  });

  it('a transfer that has to wait shows PENDING, then COMPLETED arrives live over WatchTransfer', async () => {
    const page = customerPage;
    await page.getByTestId('nav-accounts').click();
    await choose(page, 'open-account-currency', 'USD');
    await page.getByTestId('open-account-submit').click();
    const usdCard = page.locator('[data-testid="account-card"][data-currency="USD"]');
    await usdCard.waitFor();
    const usd = (await usdCard.getAttribute('data-account-id')) ?? '';

    // Without the currency service the FX quote cannot be taken: the saga waits and retries.
    await system.stop('currency');
    await page.getByTestId('nav-send').click();
    await choose(page, 'send-from', first.slice(0, 8));
    await page.getByTestId('send-to').fill(usd);
    await page.getByTestId('send-amount').fill('10');
    await page.getByTestId('send-description').fill('Dollars for the trip');
    await page.getByTestId('send-submit').click();
    await page.locator('[data-testid="transfer-state"][data-state="PENDING"]').waitFor();
    await page.getByText('Following live…').waitFor();
    await screenshot(page, 'transfer-waiting-live');

    await system.start('currency');
    await page.locator('[data-testid="transfer-state"][data-state="COMPLETED"]').waitFor({ timeout: 30_000 });
    const seen = await page
      .getByTestId('transfer-state-seen')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-state')));
    assert.equal(seen[0], 'PENDING', `states seen: ${seen.join(' → ')}`);
    assert.equal(seen.at(-1), 'COMPLETED', `states seen: ${seen.join(' → ')}`);
    const done = (await page.getByTestId('transfer-done').textContent()) ?? '';
    assert.match(done, /\$\d+\.\d{2} arrived at the rate \d/);
    await screenshot(page, 'transfer-completed-live');

    await page.getByTestId('nav-accounts').click();
    await hasText(card(page, first).getByTestId('balance-available'), '€77.50');
    const dollars = (await card(page, usd).getByTestId('balance-available').textContent()) ?? '';
    assert.notEqual(dollars, '$0.00');
    assert.ok(
      done.includes(`${dollars} arrived`),
      `the USD account shows ${dollars}; the panel said "${done}"`,
    );
  });

  it('signing out returns to the sign-in screen, and no page needed its security policy relaxed', async () => {
    const page = customerPage;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/#/accounts');
    await card(page, first).waitFor();
    await screenshot(page, 'phone-accounts');
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByTestId('nav-history').waitFor({ state: 'visible' });
    await screenshot(page, 'phone-navigation');
    await page.setViewportSize({ width: 1280, height: 860 });

    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-submit').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await screenshot(page, 'signed-out');
    assert.deepEqual(cspViolations, []);
  });
});
