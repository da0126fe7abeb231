/**
 * A field rule the contract declares but that cannot hold: a rule for another kind than the
 * field's, an empty range, a pattern that does not compile. It is a bug in the .proto, raised when
 * the validator is compiled (at server start), never while serving a request.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    /** The field at fault, e.g. `paymesh.fixture.v1.EchoRequest.message`. */
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
