/**
 * The contracts check (scripts/contracts-check) run in scratch mirrors of the repository, never in
 * proto/ itself: it passes on an unchanged tree without writing to it, fails at buf breaking when a
 * released field changes its number, and fails when the generated code no longer matches the protos.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '@paymesh/platform/mesh/topology';

const scratchDirs: string[] = [];

interface Run {
  code: number;
  output: string;
}

function run(cwd: string, command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    };
    execFile(command, args, { cwd, env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/**
 * What contracts-check reads, copied into a temp dir, with the contracts released there (its own
 * proto/released.binpb) so each case starts from "released and generated".
 */
async function mirror(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'paymesh-contracts-'));
  scratchDirs.push(dir);
  for (const path of ['buf.yaml', 'buf.gen.yaml', 'biome.json', '.gitignore', 'scripts/contracts-check'])
    await cp(join(REPO_ROOT, path), join(dir, path));
  await cp(join(REPO_ROOT, 'proto'), join(dir, 'proto'), { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const release = await run(dir, 'buf', ['build', '-o', 'proto/released.binpb']);
  assert.equal(release.code, 0, release.output);
  return dir;
}

/** The first .proto file under proto/paymesh with a field numbered 1, and that field's line. */
async function protoWithFirstField(dir: string): Promise<{ path: string; text: string; line: string }> {
  const files = (await readdir(join(dir, 'proto', 'paymesh'), { recursive: true }))
    .filter((f) => f.endsWith('.proto'))
    .sort();
  for (const file of files) {
    const path = join(dir, 'proto', 'paymesh', file);
    const text = await readFile(path, 'utf8');
    const line = text.split('\n').find((l) => /^\s+[\w.]+ \w+ = 1[;\s]/.test(l));
    if (line) return { path, text, line };
  }
  throw new Error('no proto field numbered 1 to change');
}

/** A hash of every file under dir (node_modules aside), to prove a run wrote nothing. */
async function treeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !join(e.parentPath, e.name).includes('node_modules'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(relative(dir, file)).update(await readFile(file));
  return hash.digest('hex');
}

describe('contracts:check', () => {
  after(async () => {
    for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
  });

  it('passes on released, freshly generated contracts and writes nothing to the tree', async () => {
    const dir = await mirror();
    const before = await treeHash(dir);
    const result = await run(dir, 'bash', ['scripts/contracts-check']);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /contracts: ok/);
    assert.equal(await treeHash(dir), before);
  });

  it('fails at buf breaking when a released field changes its number', async () => {
    const dir = await mirror();
    const { path, text, line } = await protoWithFirstField(dir);
    await writeFile(path, text.replace(line, line.replace(/ = 1([;\s])/, ' = 1999$1')));
    const result = await run(dir, 'bash', ['scripts/contracts-check']);
    assert.notEqual(result.code, 0, result.output);
    assert.match(result.output, /breaking change against the released contracts/);
    assert.doesNotMatch(result.output, /contracts: ok/);
  });

  it('fails with "generated code is stale" when a proto changes without npm run generate', async () => {
    const dir = await mirror();
    const { path, text } = await protoWithFirstField(dir);
    // An added message: lint-clean and not breaking, so only the freshness step can catch it.
    await writeFile(
      path,
      `${text}\n// ScratchAddition exists only in this test's copy.\nmessage ScratchAddition {\n  string note = 1;\n}\n`,
    );
    const generated = await treeHash(join(dir, 'proto', 'gen', 'src'));
    const result = await run(dir, 'bash', ['scripts/contracts-check']);
    assert.notEqual(result.code, 0, result.output);
    assert.match(result.output, /generated code is stale: run npm run generate/);
    assert.equal(
      await treeHash(join(dir, 'proto', 'gen', 'src')),
      generated,
      'the check rewrote proto/gen/src',
    );
  });
});
