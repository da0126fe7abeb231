/**
 * A service entry point for the bootstrap's tests, run as a child process so that signals, exit
 * codes and log lines are real. It has the shape of every service's main.ts.
 */
import { FixtureService } from '@paymesh/proto/paymesh/fixture/v1/fixture_pb';
import { z } from 'zod';
import type { Component } from './lifecycle.js';
import { runService } from './run-service.js';

await runService({
  env: { FIXTURE_GREETING: z.string().default('hello') },
  components: [({ logger }) => fake('telemetry', logger.info.bind(logger))],
  async setup({ config, lifecycle, logger }) {
    await lifecycle.use(fake('database', logger.info.bind(logger)));
    await lifecycle.use(fake('bus', logger.info.bind(logger)));
    return {
      routes: (router) =>
        router.service(FixtureService, {
          echo: (req) => ({ message: `${config.FIXTURE_GREETING} ${req.message}` }),
        }),
    };
  },
});

/** Stands in for a real component; says when it starts and stops. */
function fake(name: string, log: (fields: object, msg: string) => void): Component {
  return {
    name,
    start: () => log({ component: name }, 'fixture component started'),
    stop: () => log({ component: name }, 'fixture component stopped'),
    check: () => true,
  };
}
