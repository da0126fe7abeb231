/**
 * The topology, enforced by the callee: every east-west call carries the caller's identity (the
 * SPIFFE URI of the client certificate its TLS handshake proved), and this interceptor answers
 * PERMISSION_DENIED, reason CALLER_NOT_ALLOWED, unless mesh/topology.yaml lets that caller call this
 * service — and, where the topology names methods, this method. Health checks are open to every
 * workload of the mesh. A call with no identity at all cannot reach it over mTLS (the handshake
 * refuses it first); should one arrive, it is UNAUTHENTICATED.
 */
import { Code, ConnectError, createContextKey, type Interceptor } from '@connectrpc/connect';
import { domainFailure } from '../errors/domain-error.js';
import { HEALTH_SERVICE, inboundRules, type Topology } from './topology.js';

/** The caller's identity, set by the RPC server from the connection's client certificate. */
export const meshPeerKey = createContextKey<string | undefined>(undefined, {
  description: 'the SPIFFE identity of the calling workload',
});

export const MESH_ERROR_DOMAIN = 'mesh.paymesh';

export function meshAuthorization(topology: Topology, service: string): Interceptor {
  const rules = new Map(
    inboundRules(topology, service).map((rule) => [rule.identity, rule.methods && new Set(rule.methods)]),
  );
  return (next) => async (req) => {
    if (req.service.typeName === HEALTH_SERVICE) return next(req);
    const peer = req.contextValues.get(meshPeerKey);
    if (!peer) throw new ConnectError('this port answers mesh workloads only', Code.Unauthenticated);
    const method = `${req.service.typeName}/${req.method.name}`;
    const allowed = rules.get(peer);
    if (!rules.has(peer) || (allowed && !allowed.has(method))) {
      throw domainFailure(
        Code.PermissionDenied,
        { reason: 'CALLER_NOT_ALLOWED', domain: MESH_ERROR_DOMAIN, metadata: { caller: peer, method } },
        `${peer} may not call ${method} (mesh/topology.yaml)`,
      );
    }
    return next(req);
  };
}
