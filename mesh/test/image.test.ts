import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT } from '@paymesh/platform/mesh/topology';
import { IMAGE } from '../lib/deployment-plan.js';
import { build, type Manifests, readCommittedFiles, workloadSpec } from './manifest-index.js';

/** The instructions of the Dockerfile's last stage, the image the Deployments run. */
async function runtimeStage(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const last = instructions.findLastIndex((line) => line.startsWith('FROM '));
  return instructions.slice(last);
}

describe('the image the Deployments run', () => {
  let stage: string[];
  let manifests: Manifests;
  before(async () => {
    stage = await runtimeStage();
    manifests = build(await readCommittedFiles());
  });

  const appContainers = () =>
    manifests
      .ofKind('Deployment')
      .flatMap((d) => workloadSpec(d).template.spec.containers.map((c) => ({ d, c })))
      .filter(({ c }) => c.image.startsWith(`${IMAGE}:`));

  it('runs as the non-root user the pods require', () => {
    const user = stage.findLast((line) => line.startsWith('USER '));
    for (const { d } of appContainers()) {
      const pod = workloadSpec(d).template.spec.securityContext;
      assert.equal(user, `USER ${pod?.runAsUser}:${pod?.runAsGroup}`, d.metadata.name);
    }
  });

  it("holds every service's working directory and entry point, and the web app the gateway serves", () => {
    const copied = stage
      .filter((line) => line.startsWith('COPY '))
      .map((line) => line.split(/\s+/).at(-1) ?? '');
    assert.ok(appContainers().length > 0);
    for (const { d, c } of appContainers()) {
      const workdir = (c as { workingDir?: string }).workingDir ?? '';
      const relative = workdir.replace(/^\/app\//, '');
      assert.ok(
        copied.some((dest) => relative.startsWith(dest.replace(/\/$/, ''))),
        `${d.metadata.name}: ${workdir}`,
      );
      assert.ok(
        existsSync(join(REPO_ROOT, relative, 'src', 'main.ts')),
        `${d.metadata.name}: no src/main.ts`,
      );
    }
    assert.ok(copied.includes('web/dist') && copied.includes('node_modules') && copied.includes('proto/gen'));
  });
});
