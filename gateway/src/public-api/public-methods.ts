/**
 * The public API, read from the contracts: every method of an upstream's service that carries a
 * `paymesh.access.v1.method` rule, with that rule in the form the gateway enforces. A method
 * without a rule is not in the table, so the gateway never routes it. A rule the gateway cannot
 * enforce (an unknown field, a streaming shape it does not forward) stops the gateway at start.
 */
import {
  type DescField,
  type DescMethod,
  type DescService,
  getOption,
  hasOption,
  ScalarType,
} from '@bufbuild/protobuf';
import { Audience, method as accessRule, ResourceKind } from '@paymesh/proto/paymesh/access/v1/access_pb';
import type { RoleName } from '@paymesh/users/access-token';
import { type UpstreamName, upstreamServices } from './upstreams.js';

/** What a customer must own for a call: the request field naming it and its kind. */
export interface OwnedResource {
  readonly field: DescField;
  readonly kind: 'user' | 'account' | 'transfer';
}

/** Who may call a method, as the gateway enforces it. */
export interface AccessRule {
  /** Anyone, signed in or not. */
  readonly anonymous: boolean;
  /** Signed-in callers holding any one of these roles. */
  readonly roles: ReadonlySet<RoleName>;
  /** For callers admitted only as customers. */
  readonly owned?: OwnedResource;
}

export interface PublicMethod {
  readonly upstream: UpstreamName;
  readonly service: DescService;
  readonly method: DescMethod & { methodKind: 'unary' | 'server_streaming' };
  /** `/package.Service/Method`, as every RPC protocol addresses it. */
  readonly path: string;
  readonly access: AccessRule;
}

const audienceRoles: Partial<Record<Audience, RoleName>> = {
  [Audience.CUSTOMER]: 'customer',
  [Audience.OPERATOR]: 'operator',
  [Audience.AUDITOR]: 'auditor',
};

const resourceKinds: Partial<Record<ResourceKind, OwnedResource['kind']>> = {
  [ResourceKind.USER]: 'user',
  [ResourceKind.ACCOUNT]: 'account',
  [ResourceKind.TRANSFER]: 'transfer',
};

/** The public methods of the upstreams' contracts. */
export function publicMethods(
  services: Readonly<Record<UpstreamName, DescService>> = upstreamServices,
): PublicMethod[] {
  const table: PublicMethod[] = [];
  for (const [upstream, service] of Object.entries(services) as [UpstreamName, DescService][]) {
    for (const method of service.methods) {
      if (!hasOption(method, accessRule)) continue;
      const where = `${service.typeName}/${method.name}`;
      if (method.methodKind !== 'unary' && method.methodKind !== 'server_streaming') {
        throw new Error(`${where} is public but ${method.methodKind} methods are not forwarded`);
      }
      table.push({
        upstream,
        service,
        method: method as PublicMethod['method'],
        path: `/${service.typeName}/${method.name}`,
        access: readRule(method, where),
      });
    }
  }
  return table;
}

function readRule(method: DescMethod, where: string): AccessRule {
  const rule = getOption(method, accessRule);
  const roles = new Set<RoleName>();
  let anonymous = false;
  for (const audience of rule.allow) {
    if (audience === Audience.ANONYMOUS) anonymous = true;
    else {
      const role = audienceRoles[audience];
      if (!role) throw new Error(`${where}: allow lists an unknown audience ${audience}`);
      roles.add(role);
    }
  }
  if (!anonymous && roles.size === 0) throw new Error(`${where}: its access rule allows no one`);
  if (!rule.owned) return { anonymous, roles };
  const field = method.input.fields.find((f) => f.name === rule.owned?.field);
  if (field?.fieldKind !== 'scalar' || field.scalar !== ScalarType.STRING) {
    throw new Error(
      `${where}: owned field ${rule.owned.field} is not a string field of ${method.input.typeName}`,
    );
  }
  const kind = resourceKinds[rule.owned.kind];
  if (!kind) throw new Error(`${where}: owned resource has no kind`);
  return { anonymous, roles, owned: { field, kind } };
}
