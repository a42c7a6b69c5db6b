/**
 * Runs SimJobs on node:worker_threads (or in this thread when asked or when there is one job) and
 * returns results in the order of `jobs`, so the outcome never depends on which worker finished first.
 */
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { runPolicy } from '../policy/runPolicy.js'
import type { PolicyResult } from '../policy/PolicyResult.js'
import type { SimJob } from './SimJob.js'

/** One job's result, or the error that stopped it. */
export type JobOutcome =
  | { readonly _tag: 'Done'; readonly result: PolicyResult }
  | { readonly _tag: 'Failed'; readonly error: string }

/** Worker-thread count and a progress callback for `runJobs`. */
export interface RunJobsOptions {
  /** Worker count; 0 runs in this thread. Default: available cores, at most 4. */
  readonly workers?: number
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * The worker: the bundled dist/worker.js when built; from source (under tsx) a small bootstrap that
 * registers tsx's loader in the worker first, since workers do not inherit the parent's loader hooks.
 */
const createWorker = (): Worker => {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url))
  const tsxApi = import.meta.resolve('tsx/esm/api')
  const entry = new URL('./runWorker.ts', import.meta.url).href
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(bootstrap, { eval: true })
}

const runInThread = async (
  jobs: readonly SimJob[],
  onProgress?: (done: number, total: number) => void,
): Promise<JobOutcome[]> => {
  const out: JobOutcome[] = []
  for (const job of jobs) {
    try {
      out.push({
        _tag: 'Done',
        result: await runPolicy(job.scenario, job.seed, job.policy, {
          keepDetail: job.keepDetail,
          ...(job.alerts === undefined ? {} : { alerts: job.alerts }),
        }),
      })
    } catch (error) {
      out.push({ _tag: 'Failed', error: error instanceof Error ? error.message : String(error) })
    }
    onProgress?.(out.length, jobs.length)
  }
  return out
}

/** Runs jobs on worker threads (or in this thread) and returns their outcomes in job order. */
export const runJobs = async (
  jobs: readonly SimJob[],
  options: RunJobsOptions = {},
): Promise<JobOutcome[]> => {
  const wanted = options.workers ?? Math.min(4, availableParallelism())
  const count = Math.min(wanted, jobs.length)
  if (count <= 1) return runInThread(jobs, options.onProgress)
  const results: (JobOutcome | undefined)[] = new Array(jobs.length).fill(undefined)
  let next = 0
  let done = 0
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = []
    let finished = false
    const stopAll = (): void => {
      for (const w of workers) void w.terminate()
    }
    const feed = (w: Worker): void => {
      const job = jobs[next]
      if (job === undefined) return
      // Results are keyed by position in `jobs`, whatever the caller put in `index`.
      w.postMessage({ ...job, index: next })
      next++
    }
    for (let i = 0; i < count; i++) {
      const w = createWorker()
      workers.push(w)
      w.on('message', (msg: { index: number; ok: boolean; result?: PolicyResult; error?: string }) => {
        results[msg.index] = msg.ok
          ? { _tag: 'Done', result: msg.result! }
          : { _tag: 'Failed', error: msg.error ?? 'unknown error' }
        done++
        options.onProgress?.(done, jobs.length)
        if (done === jobs.length) {
          finished = true
          stopAll()
          resolve()
        } else feed(w)
      })
      w.on('error', (e) => {
        if (finished) return
        finished = true
        stopAll()
        reject(e)
      })
      feed(w)
    }
  })
  return results.map((r, i) => r ?? { _tag: 'Failed', error: `job ${i} produced no result` })
}
