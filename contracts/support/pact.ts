/** What every pact here shares: where pact files live, the Connect JSON shape of an RPC and of its errors. */
import { fileURLToPath } from 'node:url';
import { create, type DescService, toBinary } from '@bufbuild/protobuf';
import { type Client, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { ErrorInfoSchema } from '@paymesh/proto/paymesh/errors/v1/errors_pb';

/** contracts/pacts: the committed pact files. */
export const PACT_DIR = fileURLToPath(new URL('../pacts', import.meta.url));

export const pactFile = (consumer: string, provider: string): string =>
  `${PACT_DIR}/${consumer}-${provider}.json`;

/**
 * A consumer's pact with one provider. Pact merges each run's interactions into the committed file
 * (never deleting it, so a verifier or the coverage gate running beside it always finds it): delete
 * the file when an interaction is removed or renamed, and the next run writes it afresh.
 */
export function consumerPact(consumer: string, provider: string): PactV4 {
  return new PactV4({ consumer, provider, dir: PACT_DIR, logLevel: 'warn' });
}

/** The generated Connect client the consumer uses, speaking Connect JSON over HTTP/1.1 to `url`. */
export function connectJsonClient<T extends DescService>(service: T, url: string): Client<T> {
  return createClient(
    service,
    createConnectTransport({ baseUrl: url, httpVersion: '1.1', useBinaryFormat: false }),
  );
}

/** `/<package>.<Service>/<Method>`, as the Connect protocol addresses an RPC. */
export const rpcPath = (service: DescService, method: string): string => `/${service.typeName}/${method}`;

/** The headers a Connect unary JSON request carries. */
export const CONNECT_REQUEST_HEADERS = {
  'content-type': 'application/json',
  'connect-protocol-version': '1',
} as const;

export const JSON_RESPONSE_HEADERS = {
  'content-type': MatchersV3.regex(/^application\/json.*/, 'application/json'),
};

/** An int64 in proto3 JSON: a decimal string. */
export const int64 = (example: bigint | number): MatchersV3.Matcher<string> =>
  MatchersV3.regex(/^-?\d+$/, String(example));

/** An RFC 3339 timestamp in proto3 JSON. */
export const timestamp = (example = '2026-01-01T00:00:00.000Z'): MatchersV3.Matcher<string> =>
  MatchersV3.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, example);

/** A Connect error body as connect-node sends a paymesh DomainError: code, message and the ErrorInfo detail. */
export function domainErrorBody(
  code: string,
  info: { reason: string; domain: string; metadata?: Record<string, string> },
  message: string,
): unknown {
  const metadata = info.metadata ?? {};
  const value = Buffer.from(
    toBinary(ErrorInfoSchema, create(ErrorInfoSchema, { ...info, metadata })),
  ).toString('base64');
  return {
    code,
    message: MatchersV3.string(message),
    details: MatchersV3.eachLike(
      {
        type: 'paymesh.errors.v1.ErrorInfo',
        // The binary ErrorInfo the client decodes; its readable twin below is what Pact can compare.
        value: MatchersV3.regex(/^[A-Za-z0-9+/]+={0,2}$/, value.replace(/=+$/, '')),
        debug: { reason: info.reason, domain: info.domain },
      },
      1,
    ),
  };
}

/** A value the provider's state handler returns under `name`, with the consumer's example in its place. */
export const injected = (name: string, example: string) =>
  MatchersV3.fromProviderState(`\${${name}}`, example);
