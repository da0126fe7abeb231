/**
 * The protobuf services of the generated contracts (`@paymesh/proto`), by fully-qualified name:
 * every generated file's descriptor, so the generator reads each method's kind and declared
 * idempotency level from the contracts themselves.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DescFile, DescMethod, DescService } from '@bufbuild/protobuf';
import { REPO_ROOT } from '@paymesh/platform/mesh/topology';
import { isIdempotent } from '@paymesh/platform/resilience/failure-codes';

const GENERATED = join(REPO_ROOT, 'proto', 'gen', 'src');

export type ProtoServices = ReadonlyMap<string, DescService>;

export async function loadProtoServices(): Promise<ProtoServices> {
  const files = (await readdir(GENERATED, { recursive: true })).filter((f) => f.endsWith('_pb.ts')).sort();
  const services = new Map<string, DescService>();
  for (const file of files) {
    const module: Record<string, unknown> = await import(`@paymesh/proto/${file.slice(0, -'.ts'.length)}`);
    for (const value of Object.values(module)) {
      if (isDescFile(value)) for (const service of value.services) services.set(service.typeName, service);
    }
  }
  return services;
}

/** The service named in the topology; throws when the contracts have no such service. */
export function protoService(services: ProtoServices, typeName: string): DescService {
  const service = services.get(typeName);
  if (!service) throw new Error(`mesh/topology.yaml names ${typeName}, which no proto in proto/ defines`);
  return service;
}

/** Safe for the mesh to retry and to time out: a unary call the contract declares idempotent. */
export function isRetryableUnary(method: DescMethod): boolean {
  return method.methodKind === 'unary' && isIdempotent(method);
}

function isDescFile(value: unknown): value is DescFile {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'file';
}
