import { currency } from './service.js';

await currency.run();
