import { runGateway } from './gateway.js';

await runGateway();
