/** Provider verification: a pact file replayed by Pact's Verifier against a real provider process. */
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';

export type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

export async function verifyPact(options: {
  provider: string;
  providerBaseUrl: string;
  pactFile: string;
  stateHandlers: StateHandlers;
}): Promise<void> {
  await new Verifier({
    provider: options.provider,
    providerBaseUrl: options.providerBaseUrl,
    pactUrls: [options.pactFile],
    stateHandlers: options.stateHandlers,
    logLevel: 'warn',
  }).verifyProvider();
}
