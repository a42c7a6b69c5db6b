/**
 * Runs the controller's ApplyPlan commands one at a time, in submission order, each starting where the
 * previous ended (the controller's contract: a later plan's steps assume the earlier plan's target).
 * After a plan reports Aborted, the plans queued behind it are dropped (their steps assumed a state that
 * was not reached; the controller replans from `actual`). One result per executed plan.
 */
import type { PlanExecutionResult, SwitchStep } from '@busbar/core'
import type { SwitchBank } from '../bank/SwitchBank.js'
import type { Clock } from './Clock.js'
import { executePlan } from './executePlan.js'
import type { SwitchTimingPolicy } from './switchTiming.js'

/** What a `PlanQueue` drives (bank, clock, timing) and where it reports each plan's result or drop. */
export interface PlanQueueOptions {
  readonly bank: SwitchBank
  readonly clock: Clock
  readonly timing?: SwitchTimingPolicy
  /** Every executed plan's result, in order (feed it back as a SwitchResult event). */
  readonly onResult: (result: PlanExecutionResult) => void
  /** A plan dropped because an earlier one aborted. */
  readonly onDropped?: (planId: number, abortedPlanId: number) => void
}

/** A serial queue of ApplyPlan commands: submit plans, see how many wait, await idle. */
export interface PlanQueue {
  submit(plan: { readonly planId: number; readonly steps: readonly SwitchStep[] }): void
  /** Plans waiting (not counting the one running). */
  waiting(): number
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>
}

/**
 * Runs submitted plans one at a time in order with `executePlan`; drops those queued behind an aborted plan.
 */
export const createPlanQueue = (options: PlanQueueOptions): PlanQueue => {
  const queue: { readonly planId: number; readonly steps: readonly SwitchStep[] }[] = []
  let running: Promise<void> | undefined
  const pump = async (): Promise<void> => {
    for (let plan = queue.shift(); plan !== undefined; plan = queue.shift()) {
      const result = await executePlan(plan.steps, {
        planId: plan.planId,
        bank: options.bank,
        clock: options.clock,
        ...(options.timing === undefined ? {} : { timing: options.timing }),
      })
      if (result._tag === 'Aborted') {
        const dropped = queue.splice(0, queue.length)
        for (const d of dropped) options.onDropped?.(d.planId, result.planId)
      }
      // Delivered after dropping: plans the controller submits in answer to this result run normally.
      options.onResult(result)
    }
  }
  const start = (): void => {
    if (running !== undefined) return
    running = pump().finally(() => {
      running = undefined
      if (queue.length > 0) start()
    })
  }
  return {
    submit: (plan) => {
      queue.push(plan)
      start()
    },
    waiting: () => queue.length,
    idle: async () => {
      while (running !== undefined) await running
    },
  }
}
