/**
 * The gRPC unary methods a `routes` function registers, with the handler options each is served
 * with. `recordUnaryRoutes` wraps the router connect-node's adapter hands to `routes` and notes each
 * registration on the way through, so `routes` runs once and both engines call the same ServiceImpl.
 */
import type { DescMessage, DescMethod, DescService } from '@bufbuild/protobuf';
import {
  type ConnectRouter,
  type ConnectRouterOptions,
  createMethodImplSpec,
  createServiceImplSpec,
  type MethodImpl,
  type MethodImplSpec,
  type ServiceImpl,
} from '@connectrpc/connect';
import {
  createMethodSerializationLookup,
  createMethodUrl,
  type MethodSerializationLookup,
  type UniversalHandlerOptions,
  validateUniversalHandlerOptions,
} from '@connectrpc/connect/protocol';

export type UnaryImplSpec = Extract<MethodImplSpec, { kind: 'unary' }>;

/** One unary method as the gRPC fast path serves it. */
export interface UnaryRoute {
  readonly spec: UnaryImplSpec;
  readonly options: UniversalHandlerOptions;
  readonly serialization: MethodSerializationLookup<DescMessage, DescMessage>;
}

type RegistrationOptions = Partial<UniversalHandlerOptions> & { grpc?: boolean };

/**
 * A router that forwards every registration to `router` and adds the unary methods served over
 * gRPC to `table`, keyed by request path (`prefix` + `/package.Service/Method`).
 */
export function recordUnaryRoutes(
  router: ConnectRouter,
  routerOptions: ConnectRouterOptions,
  prefix: string,
  table: Map<string, UnaryRoute>,
): ConnectRouter {
  const base = validateUniversalHandlerOptions(routerOptions);
  const add = (spec: MethodImplSpec, registration: RegistrationOptions | undefined) => {
    // As in connect-es: a registration's options replace the router's key by key, and decide alone
    // whether gRPC is on.
    if (spec.kind !== 'unary' || (registration ?? routerOptions).grpc === false) return;
    const options = registration ? validateUniversalHandlerOptions({ ...base, ...registration }) : base;
    table.set(prefix + createMethodUrl('/', spec.method), {
      spec,
      options,
      serialization: createMethodSerializationLookup(
        spec.method,
        options.binaryOptions,
        options.jsonOptions,
        options,
      ),
    });
  };
  const recorder: ConnectRouter = {
    get handlers() {
      return router.handlers;
    },
    service<T extends DescService>(
      service: T,
      implementation: Partial<ServiceImpl<T>>,
      options?: RegistrationOptions,
    ) {
      router.service(service, implementation, options);
      for (const spec of Object.values(createServiceImplSpec(service, implementation).methods)) {
        add(spec, options);
      }
      return recorder;
    },
    rpc<M extends DescMethod>(method: M, impl: MethodImpl<M>, options?: RegistrationOptions) {
      router.rpc(method, impl, options);
      add(createMethodImplSpec(method, impl), options);
      return recorder;
    },
  };
  return recorder;
}
