import { transactions } from './service.js';

await transactions.run();
