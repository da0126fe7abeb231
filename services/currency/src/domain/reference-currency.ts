/** The currency every rate is priced in; its own rate is 1 by definition. */
export const REFERENCE_CURRENCY = 'USD';
