/**
 * Configuration from the environment, validated once at start. A bad or missing variable stops the
 * process with a message naming it; secrets have no defaults.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** A configuration that failed validation; its message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses `env` against `shape` (one key per environment variable) or throws a ConfigError. */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      return value === undefined
        ? `${name}: is required`
        : `${name}: ${issue.message} (got ${JSON.stringify(redact(name, value))})`;
    }),
  );
}

function redact(name: string, value: string): string {
  return /SECRET|PASSWORD|TOKEN|KEY/i.test(name) ? '***' : value;
}

/** Reusable variable schemas. */
export const env = {
  port: (fallback?: number) =>
    fallback === undefined
      ? z.coerce.number().int().min(0).max(65535)
      : z.coerce.number().int().min(0).max(65535).default(fallback),
  url: (protocols: readonly string[]) =>
    z.string().refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `must be a ${protocols.join(' or ')} URL`,
    ),
  durationMs: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A lowercase token usable in database, stream and subject names. */
  name: () => z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lowercase letters, digits and underscores'),
  /** A file that must exist when the service starts. */
  file: () =>
    z
      .string()
      .min(1)
      .refine((v) => existsSync(v), 'no such file'),
};

/** The variables every service reads. */
export const serviceEnv = {
  SERVICE_NAME: env.name(),
  PORT: env.port(),
  ADMIN_PORT: env.port(),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  /** Connections in the service's pool; at least its consumers' concurrency. */
  DATABASE_POOL_MAX: env.positiveInt(16),
  NATS_URL: env.url(['nats']),
  /** Prefix of stream and subject names; tests set a unique one. */
  EVENT_NAMESPACE: env.name().default('paymesh'),
  /** Replicas of the streams the service creates when missing (3 on a three-node JetStream cluster). */
  EVENT_STREAM_REPLICAS: env.positiveInt(1),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_GRACE_MS: env.durationMs(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(['http', 'https']).optional(),
  /**
   * The workload's mesh credentials (all three, or none): with them every east-west port requires
   * and verifies a client certificate and answers only the callers mesh/topology.yaml allows, and
   * every upstream is called over mTLS. Without them east-west traffic is plaintext, for a sidecar
   * mesh (Linkerd) to secure, or for tests of the contracts alone.
   */
  MESH_TLS_CA_FILE: env.file().optional(),
  MESH_TLS_CERT_FILE: env.file().optional(),
  MESH_TLS_KEY_FILE: env.file().optional(),
  /** The topology the mesh authorization reads (default: the repository's mesh/topology.yaml). */
  MESH_TOPOLOGY_FILE: env.file().optional(),
};

export type ServiceConfig = z.infer<z.ZodObject<typeof serviceEnv>>;
