/**
 * Reading a V8 CPU profile (node:inspector's Profiler.stop) for the exploration scripts: the
 * functions with the most self time, the time per package, and who calls a given function.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Lines of `percent  name`, the largest first. */
export interface ProfileSummary {
  functions(n: number): string[];
  packages(n: number): string[];
  /** The call chains (`depth` frames up) that lead to samples in `functionName`. */
  callersOf(functionName: string, n: number, depth?: number): string[];
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  let total = 0;
  const samples = (profile.samples ?? []).map((id, i) => {
    const delta = profile.timeDeltas?.[i] ?? 0;
    total += delta;
    return { id, delta };
  });
  const where = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '');
  const frameName = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame.url)}:${node.callFrame.lineNumber}`;
  const packageOf = (node: ProfileNode) => {
    const { url, functionName } = node.callFrame;
    if (url.includes('node_modules/'))
      return url.split('node_modules/').at(-1)?.split('/').slice(0, 2).join('/');
    if (url.startsWith('node:')) return 'node';
    return where(url).split('/').slice(0, 3).join('/') || functionName;
  };
  const ranked = (key: (node: ProfileNode, id: number) => string | undefined, n: number) => {
    const sums = new Map<string, number>();
    for (const { id, delta } of samples) {
      const node = byId.get(id);
      const k = node && key(node, id);
      if (k !== undefined) sums.set(k, (sums.get(k) ?? 0) + delta);
    }
    return [...sums]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  };
  return {
    functions: (n) => ranked(frameName, n),
    packages: (n) => ranked(packageOf, n),
    callersOf: (functionName, n, depth = 6) =>
      ranked((node, id) => {
        if (node.callFrame.functionName !== functionName) return undefined;
        const chain: string[] = [];
        for (let p = parents.get(id); p !== undefined && chain.length < depth; p = parents.get(p)) {
          const parent = byId.get(p);
          if (parent) chain.push(frameName(parent));
        }
        return chain.join(' < ');
      }, n),
  };
}
