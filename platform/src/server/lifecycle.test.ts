import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureLogger } from './capture-logger.js';
import { type Component, Lifecycle } from './lifecycle.js';

function recorder() {
  const events: string[] = [];
  const component = (name: string, fail?: 'start' | 'stop'): Component => ({
    name,
    start() {
      if (fail === 'start') throw new Error(`${name} cannot start`);
      events.push(`start ${name}`);
    },
    async stop() {
      if (fail === 'stop') throw new Error(`${name} cannot stop`);
      events.push(`stop ${name}`);
    },
  });
  return { events, component };
}

describe('Lifecycle', () => {
  it('starts components in the order added and stops them in reverse, once', async () => {
    const { events, component } = recorder();
    const lifecycle = new Lifecycle(captureLogger().logger);
    lifecycle.add(component('database'));
    const bus = await lifecycle.use(component('bus'));
    assert.equal(bus.name, 'bus');
    lifecycle.add(component('relay'));
    await lifecycle.start();
    await Promise.all([lifecycle.stop(), lifecycle.stop()]);
    assert.deepEqual(events, [
      'start database',
      'start bus',
      'start relay',
      'stop relay',
      'stop bus',
      'stop database',
    ]);
  });

  it('stops what started, in reverse, when a later component fails to start', async () => {
    const { events, component } = recorder();
    const lifecycle = new Lifecycle(captureLogger().logger);
    lifecycle.add(component('database'));
    lifecycle.add(component('bus'));
    lifecycle.add(component('relay', 'start'));
    lifecycle.add(component('consumers'));
    await assert.rejects(lifecycle.start(), /relay cannot start/);
    await lifecycle.stop();
    assert.deepEqual(events, ['start database', 'start bus', 'stop bus', 'stop database']);
  });

  it('logs a component that fails to stop and still stops the others', async () => {
    const { events, component } = recorder();
    const { logger, lines } = captureLogger();
    const lifecycle = new Lifecycle(logger);
    lifecycle.add(component('database'));
    lifecycle.add(component('bus', 'stop'));
    lifecycle.add(component('relay'));
    await lifecycle.start();
    await lifecycle.stop();
    assert.deepEqual(events, ['start database', 'start bus', 'start relay', 'stop relay', 'stop database']);
    assert.ok(lines.some((l) => l.msg === 'component failed to stop' && l.component === 'bus'));
  });

  it('aborts a start in progress when stopped, and starts nothing after it', async () => {
    const { events, component } = recorder();
    const lifecycle = new Lifecycle(captureLogger().logger);
    let entered = () => {};
    const waiting = new Promise<void>((resolve) => {
      entered = resolve;
    });
    lifecycle.add(component('database'));
    lifecycle.add({
      name: 'migrations',
      start: (signal) =>
        new Promise<void>((resolve) => {
          entered();
          signal.addEventListener('abort', () => {
            events.push('migrations aborted');
            resolve();
          });
        }),
      stop: () => void events.push('stop migrations'),
    });
    lifecycle.add(component('consumers'));
    const starting = lifecycle.start();
    await waiting;
    await lifecycle.stop();
    await assert.rejects(starting, /not starting consumers: the service is stopping/);
    assert.deepEqual(events, ['start database', 'migrations aborted', 'stop migrations', 'stop database']);
  });
});
