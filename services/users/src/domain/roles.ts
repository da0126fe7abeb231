/**
 * Roles as the contract numbers them and as they are stored and put in tokens ('customer',
 * 'operator', 'auditor'), and which roles a new user starts with.
 */
import { Role } from '@paymesh/proto/paymesh/users/v1/users_pb';
import { type RoleName, roleNames } from '../tokens/access-token.js';

const nameOf: Readonly<Record<RoleName, Role>> = {
  customer: Role.CUSTOMER,
  operator: Role.OPERATOR,
  auditor: Role.AUDITOR,
};

/** The stored name of a contract role; throws on ROLE_UNSPECIFIED or an unknown number. */
export function roleName(role: Role): RoleName {
  const name = roleNames.find((n) => nameOf[n] === role);
  if (!name) throw new Error(`role ${role} has no name`);
  return name;
}

/** The contract role of stored names, in the contract's order. */
export function rolesOf(names: readonly string[]): Role[] {
  return roleNames.filter((name) => names.includes(name)).map((name) => nameOf[name]);
}

/** Stored names in a stable order (customer, operator, auditor), unknown names dropped. */
export function sortedRoleNames(names: readonly string[]): RoleName[] {
  return roleNames.filter((name) => names.includes(name));
}

/** Who is bootstrapped into the staff roles at registration, by lower-cased address. */
export interface RoleBootstrap {
  readonly operators: ReadonlySet<string>;
  readonly auditors: ReadonlySet<string>;
}

/** Every user is a customer; addresses listed in the bootstrap also get operator or auditor. */
export function initialRoles(email: string, bootstrap: RoleBootstrap): RoleName[] {
  const roles: RoleName[] = ['customer'];
  if (bootstrap.operators.has(email)) roles.push('operator');
  if (bootstrap.auditors.has(email)) roles.push('auditor');
  return roles;
}
