/** The currencies an account can be opened in: those the currency service has a rate for. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { currencyClient } from '../api/clients';
import { type DescribedError, describeError } from '../errors/describe-error';

/** The ones most people want come first; the rest follow alphabetically. */
const FIRST = ['EUR', 'USD', 'GBP', 'CHF', 'JPY'];

export function orderCurrencies(codes: readonly string[]): string[] {
  const rank = (code: string) => {
    const index = FIRST.indexOf(code);
    return index === -1 ? FIRST.length : index;
  };
  return [...new Set(codes)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function useCurrencies(): {
  currencies: string[];
  loading: boolean;
  error?: DescribedError;
  reload: () => void;
} {
  const [currencies, setCurrencies] = useState<string[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<DescribedError>();
  const live = useRef(true);

  const reload = useCallback(() => {
    setLoading(true);
    currencyClient
      .getRates({})
      .then((answer) => {
        if (!live.current) return;
        setCurrencies(orderCurrencies(answer.rates.map((rate) => rate.currency)));
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (live.current) setError(describeError(err));
      })
      .finally(() => {
        if (live.current) setLoading(false);
      });
  }, []);

  useEffect(() => {
    live.current = true;
    reload();
    return () => {
      live.current = false;
    };
  }, [reload]);

  return { currencies, loading, error, reload };
}
