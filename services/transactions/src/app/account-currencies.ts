/**
 * The currency of each account the saga moves money to, asked of accounts once: an account's
 * currency never changes and accounts are never deleted, so a remembered answer stays true. Bounded,
 * oldest forgotten first.
 */
import type { Client } from '@connectrpc/connect';
import type { AccountsService } from '@paymesh/proto/paymesh/accounts/v1/accounts_pb';

export class AccountCurrencies {
  readonly #known = new Map<string, string>();

  constructor(
    private readonly accounts: Client<typeof AccountsService>,
    private readonly capacity = 50_000,
  ) {}

  /** The account's currency; a missing account fails as accounts answers (NOT_FOUND). */
  async of(accountId: string): Promise<string> {
    const known = this.#known.get(accountId);
    if (known) return known;
    const { account } = await this.accounts.getAccount({ accountId });
    const currency = account?.currency ?? '';
    if (currency) {
      if (this.#known.size >= this.capacity) {
        const oldest = this.#known.keys().next().value;
        if (oldest !== undefined) this.#known.delete(oldest);
      }
      this.#known.set(accountId, currency);
    }
    return currency;
  }
}
