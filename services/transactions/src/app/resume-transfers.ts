/**
 * The recovery loop: finds transfers left non-terminal (a crash, a transient failure waiting for its
 * retry) whose lease has lapsed, and drives each on. Several instances share the work: a transfer is
 * driven by whoever takes its lease.
 */
import type { JobSpec } from '@paymesh/platform/jobs/periodic-job';
import { dueTransfers, type TransferDb } from '../db/transfer-repo.js';
import type { TransferSaga } from './transfer-saga.js';

export function resumeTransfersJob(
  db: TransferDb,
  saga: TransferSaga,
  options: { intervalMs: number; batchSize: number; concurrency: number },
): JobSpec {
  return {
    name: 'resume-transfers',
    intervalMs: options.intervalMs,
    async run(signal) {
      const due = await dueTransfers(db, options.batchSize);
      const queue = [...due];
      const worker = async () => {
        for (let id = queue.shift(); id && !signal.aborted; id = queue.shift()) await saga.drive(id);
      };
      await Promise.all(Array.from({ length: Math.min(options.concurrency, queue.length) }, worker));
      return due.length === options.batchSize && !signal.aborted;
    },
  };
}
