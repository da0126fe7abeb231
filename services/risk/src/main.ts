import { risk } from './service.js';

await risk.run();
