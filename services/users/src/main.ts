import { users } from './service.js';

await users.run();
