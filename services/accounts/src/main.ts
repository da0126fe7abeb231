import { accounts } from './service.js';

await accounts.run();
