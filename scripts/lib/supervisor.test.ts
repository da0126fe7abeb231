/**
 * The local supervisor with real child processes: prefixed output, graceful stop with a SIGKILL
 * fallback, and no restarts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ProcessSpec, supervise } from './supervisor.js';

function nodeProcess(name: string, source: string): ProcessSpec {
  return { name, command: process.execPath, args: ['-e', source], cwd: process.cwd(), env: process.env };
}

/** Collects output lines and lets a test wait for one. */
function capture() {
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: () => void }[] = [];
  return {
    lines,
    write: (line: string) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.match.test(line))) w.resolve();
    },
    waitFor: (match: RegExp) =>
      new Promise<void>((resolve) => {
        if (lines.some((l) => match.test(l))) resolve();
        else waiters.push({ match, resolve });
      }),
  };
}

describe('supervise', () => {
  it('prefixes every line of every process with its name, aligned', async () => {
    const out = capture();
    const supervisor = supervise(
      [
        nodeProcess('accounts', "console.log('one\\ntwo'); console.error('oops')"),
        nodeProcess('risk', "console.log('three')"),
      ],
      { graceMs: 1_000, write: out.write },
    );
    const exits = await supervisor.exited;
    assert.deepEqual(exits.map((e) => [e.name, e.code]).sort(), [
      ['accounts', 0],
      ['risk', 0],
    ]);
    for (const line of ['accounts | one', 'accounts | two', 'accounts | oops', 'risk     | three'])
      assert.ok(out.lines.includes(line), `missing ${JSON.stringify(line)} in ${JSON.stringify(out.lines)}`);
  });

  it('stops with SIGTERM, and SIGKILLs a process that ignores it once the grace is over', async () => {
    const out = capture();
    const supervisor = supervise(
      [
        nodeProcess(
          'polite',
          "process.on('SIGTERM', () => { console.log('draining'); process.exit(0); }); setInterval(() => {}, 1000); console.log('ready');",
        ),
        nodeProcess(
          'stubborn',
          "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready');",
        ),
      ],
      { graceMs: 300, write: out.write },
    );
    await Promise.all([out.waitFor(/^polite +\| ready/), out.waitFor(/^stubborn \| ready/)]);
    const started = Date.now();
    const exits = await supervisor.stop();
    const byName = Object.fromEntries(exits.map((e) => [e.name, e]));
    assert.equal(byName.polite?.code, 0);
    assert.equal(byName.polite?.unexpected, false);
    assert.equal(byName.stubborn?.signal, 'SIGKILL');
    assert.ok(Date.now() - started >= 300, 'SIGKILL came before the grace was over');
    assert.ok(out.lines.includes('polite   | draining'));
  });

  it('restarts nothing: a process that crashes stays down while the others keep running', async () => {
    const out = capture();
    const supervisor = supervise(
      [
        nodeProcess('crasher', 'process.exit(3)'),
        nodeProcess('steady', "setInterval(() => {}, 1000); console.log('ready');"),
      ],
      { graceMs: 1_000, write: out.write },
    );
    await Promise.all([
      out.waitFor(/^crasher \| exited with code 3 \(not restarted\)/),
      out.waitFor(/ready/),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(out.lines.filter((l) => l.startsWith('crasher')).length, 1, 'crasher was started again');
    const exits = await supervisor.stop();
    assert.deepEqual(
      exits.map((e) => [e.name, e.unexpected]),
      [
        ['crasher', true],
        ['steady', false],
      ],
    );
  });
});
