/**
 * The hardening every container and pod of paymesh gets: a non-root user, a read-only root
 * filesystem, no privilege escalation, no capabilities, the runtime's default seccomp profile, and
 * a writable /tmp of its own (tsx caches compiled modules there).
 */

/** The `node` user of the official Node.js image, also used for NATS and the collector. */
export const RUN_AS_USER = 1000;

export function podSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    fsGroup: RUN_AS_USER,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurityContext(): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export const TMP_VOLUME = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
export const TMP_MOUNT = { name: 'tmp', mountPath: '/tmp' };
