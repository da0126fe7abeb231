/**
 * The well-known string formats of `paymesh.validate.v1.StringFormat`: what each accepts and how a
 * violation reads.
 */
import { StringFormat } from '@paymesh/proto/paymesh/validate/v1/validate_pb';

export interface FormatCheck {
  readonly test: (value: string) => boolean;
  readonly description: string;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One @, then dot-separated labels with at least one dot; no whitespace anywhere.
const email = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

// ICU's list of currencies in use; historic codes (DEM, VEF) and funds/metals (XAU, XXX) are absent.
const currencies = new Set(Intl.supportedValuesOf('currency'));

/** The check of `format`, or undefined for STRING_FORMAT_UNSPECIFIED. */
export function formatCheck(format: StringFormat): FormatCheck | undefined {
  switch (format) {
    case StringFormat.UUID:
      return { test: (v) => uuid.test(v), description: 'must be a UUID' };
    case StringFormat.EMAIL:
      return { test: (v) => email.test(v), description: 'must be an e-mail address' };
    case StringFormat.CURRENCY:
      return {
        test: (v) => currencies.has(v),
        description: 'must be an ISO-4217 currency code in use, such as EUR',
      };
    default:
      return undefined;
  }
}
