/**
 * Worker-thread entry: receives SimJobs, answers PolicyResults (or an error message) in kind.
 */
import { parentPort } from 'node:worker_threads'
import { runPolicy } from '../policy/runPolicy.js'
import type { SimJob } from './SimJob.js'

parentPort?.on('message', (job: SimJob) => {
  runPolicy(job.scenario, job.seed, job.policy, {
    keepDetail: job.keepDetail,
    ...(job.alerts === undefined ? {} : { alerts: job.alerts }),
  }).then(
    (result) => parentPort?.postMessage({ index: job.index, ok: true, result }),
    (error: unknown) =>
      parentPort?.postMessage({
        index: job.index,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  )
})
