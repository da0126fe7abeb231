/**
 * What must hold in any build of mesh/k8s for `kubectl apply` to give a working, locked-down
 * system: required fields, and every reference between objects resolving (selectors, ports,
 * ServiceAccounts, Secrets, ConfigMaps, Linkerd targets and identities), hardened containers,
 * probes on real ports, and every pod port under exactly one Linkerd Server. Each check returns
 * the problems it found, named, so a failure says what to fix.
 */
import {
  type Container,
  type Doc,
  type Labels,
  type Manifests,
  matches,
  type Workload,
  workloadSpec,
} from './manifest-index.js';

const CLUSTER_SCOPED = new Set(['Namespace']);

export function requiredFields(m: Manifests, namespace: string): string[] {
  return m.docs.flatMap((d) => {
    const at = `${d.file}: ${d.kind}/${d.metadata?.name}`;
    const problems: string[] = [];
    if (typeof d.apiVersion !== 'string' || !d.apiVersion) problems.push(`${at}: no apiVersion`);
    if (typeof d.kind !== 'string' || !d.kind) problems.push(`${at}: no kind`);
    if (typeof d.metadata?.name !== 'string' || !d.metadata.name) problems.push(`${at}: no metadata.name`);
    if (
      CLUSTER_SCOPED.has(d.kind) ? d.metadata?.namespace !== undefined : d.metadata?.namespace !== namespace
    )
      problems.push(`${at}: namespace ${d.metadata?.namespace}`);
    return problems;
  });
}

export function uniqueNames(m: Manifests): string[] {
  const seen = new Set<string>();
  return m.docs.flatMap((d) => {
    const key = `${d.kind}/${d.metadata.name}`;
    if (seen.has(key)) return [`${key} is defined twice`];
    seen.add(key);
    return [];
  });
}

export function workloadReferences(m: Manifests): string[] {
  const problems: string[] = [];
  const services = m.ofKind('Service');
  const accounts = m.serviceAccounts();
  const secrets = m.secrets();
  const configMaps = new Map(m.ofKind('ConfigMap').map((d) => [d.metadata.name, Object.keys(d.data ?? {})]));
  for (const w of m.workloads()) {
    const at = `${w.doc.kind}/${w.doc.metadata.name}`;
    if (w.doc.kind !== 'Cluster') {
      const { selector } = workloadSpec(w.doc);
      if (!matches(selector.matchLabels, w.labels)) problems.push(`${at}: selector does not match its pods`);
      if (!services.some((s) => matches(serviceSelector(s), w.labels)))
        problems.push(`${at}: no Service selects it`);
    }
    const account = w.pod.serviceAccountName;
    if (!account || !accounts.has(account)) problems.push(`${at}: ServiceAccount ${account} does not exist`);
    for (const c of w.pod.containers) {
      for (const v of c.env ?? []) {
        const secret = v.valueFrom?.secretKeyRef;
        if (secret && !secrets.get(secret.name)?.includes(secret.key))
          problems.push(
            `${at}: ${v.name} reads Secret ${secret.name} key ${secret.key}, which will not exist`,
          );
        const config = v.valueFrom?.configMapKeyRef;
        if (config && !configMaps.get(config.name)?.includes(config.key))
          problems.push(
            `${at}: ${v.name} reads ConfigMap ${config.name} key ${config.key}, which does not exist`,
          );
      }
    }
    for (const volume of w.pod.volumes ?? []) {
      if (volume.configMap && !configMaps.has(volume.configMap.name))
        problems.push(
          `${at}: volume ${volume.name} mounts ConfigMap ${volume.configMap.name}, which does not exist`,
        );
      if (volume.secret && !secrets.has(volume.secret.secretName))
        problems.push(
          `${at}: volume ${volume.name} mounts Secret ${volume.secret.secretName}, which will not exist`,
        );
    }
  }
  return problems;
}

/** Every Service selects pods, and each of its target ports is a port of every pod it selects. */
export function serviceReferences(m: Manifests): string[] {
  return m.ofKind('Service').flatMap((s) => {
    const selected = m.workloads().filter((w) => matches(serviceSelector(s), w.labels));
    if (selected.length === 0) return [`Service/${s.metadata.name} selects no pods`];
    const servicePorts = (s.spec?.ports ?? []) as { name: string; targetPort: string | number }[];
    return servicePorts.flatMap((p) =>
      selected
        .filter((w) => !hasPort(w, p.targetPort))
        .map(
          (w) =>
            `Service/${s.metadata.name} port ${p.name}: ${w.doc.metadata.name} has no port ${p.targetPort}`,
        ),
    );
  });
}

export function podDisruptionBudgets(m: Manifests): string[] {
  return m.ofKind('PodDisruptionBudget').flatMap((p) => {
    const selector = (p.spec?.selector as { matchLabels?: Labels } | undefined)?.matchLabels ?? {};
    return m.workloads().some((w) => matches(selector, w.labels))
      ? []
      : [`PodDisruptionBudget/${p.metadata.name} selects no pods`];
  });
}

/** Containers of the workloads paymesh defines (CloudNativePG hardens its own). */
export function containerHardening(m: Manifests): string[] {
  const problems: string[] = [];
  for (const w of m.workloads().filter((w) => w.doc.kind !== 'Cluster')) {
    const at = `${w.doc.kind}/${w.doc.metadata.name}`;
    const pod = w.pod.securityContext ?? {};
    if (pod.runAsNonRoot !== true) problems.push(`${at}: pod may run as root`);
    if ((pod.seccompProfile as { type?: string } | undefined)?.type !== 'RuntimeDefault')
      problems.push(`${at}: pod has no RuntimeDefault seccomp profile`);
    for (const c of w.pod.containers) problems.push(...hardeningOf(`${at} container ${c.name}`, c));
  }
  return problems;
}

function hardeningOf(at: string, c: Container): string[] {
  const s = c.securityContext ?? {};
  const problems: string[] = [];
  if (s.runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
  if (s.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem is writable`);
  if (s.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation allowed`);
  if (!s.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities not all dropped`);
  if ((s.seccompProfile as { type?: string } | undefined)?.type !== 'RuntimeDefault')
    problems.push(`${at}: no RuntimeDefault seccomp profile`);
  if (!c.resources?.requests || !c.resources.limits?.memory)
    problems.push(`${at}: no resource requests and limits`);
  if (!c.readinessProbe || !c.livenessProbe) problems.push(`${at}: no readiness or liveness probe`);
  return problems;
}

export function probesOnRealPorts(m: Manifests): string[] {
  return m.workloads().flatMap((w) =>
    w.pod.containers.flatMap((c) =>
      [c.startupProbe, c.readinessProbe, c.livenessProbe].flatMap((probe) => {
        const port = probe?.httpGet?.port ?? probe?.grpc?.port;
        return probe && (port === undefined || !containerHasPort(c, port))
          ? [`${w.doc.kind}/${w.doc.metadata.name}: a probe targets port ${port}, which the container lacks`]
          : [];
      }),
    ),
  );
}

/**
 * Linkerd references: Servers select pods and a port they have; inbound routes hang on a Server;
 * authorizations target a Server or inbound route and require authentications that exist;
 * identities are ServiceAccounts that will exist; outbound routes hang on a Service port and send
 * to Services that exist.
 */
export function linkerdReferences(m: Manifests): string[] {
  const problems: string[] = [];
  const accounts = m.serviceAccounts();
  for (const s of m.ofKind('Server')) {
    const { podSelector, port } = s.spec as { podSelector: { matchLabels: Labels }; port: string | number };
    const selected = m.workloads().filter((w) => matches(podSelector.matchLabels, w.labels));
    if (selected.length === 0) problems.push(`Server/${s.metadata.name} selects no pods`);
    for (const w of selected.filter((w) => !hasPort(w, port)))
      problems.push(`Server/${s.metadata.name}: ${w.doc.metadata.name} has no port ${port}`);
  }
  for (const r of inboundRoutes(m)) {
    for (const parent of routeParents(r))
      if (parent.kind !== 'Server' || !m.find('Server', parent.name))
        problems.push(`HTTPRoute/${r.metadata.name}: parent ${parent.kind}/${parent.name} does not exist`);
  }
  for (const a of m.ofKind('AuthorizationPolicy')) {
    const { targetRef, requiredAuthenticationRefs } = authorizationSpec(a);
    if (!['Server', 'HTTPRoute'].includes(targetRef.kind) || !m.find(targetRef.kind, targetRef.name))
      problems.push(
        `AuthorizationPolicy/${a.metadata.name}: target ${targetRef.kind}/${targetRef.name} does not exist`,
      );
    for (const ref of requiredAuthenticationRefs)
      if (!m.find(ref.kind, ref.name))
        problems.push(`AuthorizationPolicy/${a.metadata.name}: ${ref.kind}/${ref.name} does not exist`);
  }
  for (const t of m.ofKind('MeshTLSAuthentication')) {
    const { identities, identityRefs } = t.spec as {
      identities?: string[];
      identityRefs?: { kind: string; name: string }[];
    };
    for (const id of identities ?? [])
      if (id !== '*') problems.push(`MeshTLSAuthentication/${t.metadata.name}: names ${id}`);
    for (const ref of identityRefs ?? [])
      if (ref.kind !== 'ServiceAccount' || !accounts.has(ref.name))
        problems.push(`MeshTLSAuthentication/${t.metadata.name}: ${ref.kind}/${ref.name} will not exist`);
  }
  for (const r of m.ofKind('GRPCRoute')) {
    for (const parent of routeParents(r)) {
      const service = parent.kind === 'Service' ? m.find('Service', parent.name) : undefined;
      if (!service || !servicePorts(service).includes(Number(parent.port)))
        problems.push(
          `GRPCRoute/${r.metadata.name}: parent ${parent.kind}/${parent.name}:${parent.port} does not exist`,
        );
    }
    for (const rule of (r.spec?.rules ?? []) as { backendRefs?: { name: string; port: number }[] }[])
      for (const b of rule.backendRefs ?? [])
        if (!servicePorts(m.find('Service', b.name)).includes(b.port))
          problems.push(`GRPCRoute/${r.metadata.name}: backend ${b.name}:${b.port} does not exist`);
  }
  return problems;
}

/**
 * Under a default-deny namespace a pod port no Server covers takes no traffic at all, and two
 * Servers on one port are refused by Linkerd: each port is covered exactly once, except ports the
 * proxy is told to skip.
 */
export function everyPortUnderOneServer(m: Manifests): string[] {
  const servers = m.ofKind('Server');
  return m.workloads().flatMap((w) => {
    const skipped = (w.annotations['config.linkerd.io/skip-inbound-ports'] ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number);
    return w.pod.containers.flatMap((c) =>
      (c.ports ?? [])
        .filter((p) => !skipped.includes(p.containerPort))
        .flatMap((p) => {
          const covering = servers.filter((s) => {
            const { podSelector, port } = s.spec as {
              podSelector: { matchLabels: Labels };
              port: string | number;
            };
            return (
              matches(podSelector.matchLabels, w.labels) && (port === p.name || port === p.containerPort)
            );
          });
          return covering.length === 1
            ? []
            : [`${w.doc.kind}/${w.doc.metadata.name} port ${p.name}: ${covering.length} Servers cover it`];
        }),
    );
  });
}

export function inboundRoutes(m: Manifests): Doc[] {
  return m.ofKind('HTTPRoute').filter((r) => r.apiVersion.startsWith('policy.linkerd.io/'));
}

export function routeParents(route: Doc): { kind: string; name: string; port?: number }[] {
  return (route.spec?.parentRefs ?? []) as { kind: string; name: string; port?: number }[];
}

export function authorizationSpec(doc: Doc): {
  targetRef: { kind: string; name: string };
  requiredAuthenticationRefs: { kind: string; name: string }[];
} {
  return doc.spec as unknown as ReturnType<typeof authorizationSpec>;
}

export function serviceSelector(service: Doc): Labels {
  return (service.spec?.selector ?? {}) as Labels;
}

function servicePorts(service: Doc | undefined): number[] {
  return ((service?.spec?.ports ?? []) as { port: number }[]).map((p) => p.port);
}

function hasPort(w: Workload, port: string | number): boolean {
  return w.pod.containers.some((c) => containerHasPort(c, port));
}

function containerHasPort(c: Container, port: string | number): boolean {
  return (c.ports ?? []).some((p) => p.name === port || p.containerPort === port);
}
