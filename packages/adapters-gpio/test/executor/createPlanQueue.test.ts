import { describe, expect, it } from 'vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { PlanExecutionResult, SwitchStep } from '@busbar/core'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'
import { startSwitchBank } from '../../src/bank/startSwitchBank.js'
import { createPlanQueue } from '../../src/executor/createPlanQueue.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'

const decoded = decodeWiring({
  expanders: [{ id: 'u1', kind: 'pca9555', address: 0x20 }],
  switches: [
    {
      supply: 's1',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 0 },
      feedback: { input: { expander: 'u1', pin: 8 }, polarity: 'activeHigh' },
    },
    {
      supply: 's1',
      bus: 'B',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 1 },
      feedback: { input: { expander: 'u1', pin: 9 }, polarity: 'activeHigh' },
    },
  ],
})
if (isLeft(decoded)) throw new Error('bad wiring')
const wiring = decoded.right

const step = (op: 'open' | 'close', bus: string): SwitchStep => ({ op, supply: 's1', bus, kind: 'relay' })

const setUp = async (welded = false) => {
  const clock = createVirtualClock()
  const rig = createVirtualSwitchRig(wiring, {
    clock,
    configuredWithClosed: [{ supply: 's1', bus: 'A' }],
    ...(welded ? { faults: new Map([[JSON.stringify(['s1', 'A']), { welded: true }]]) } : {}),
  })
  const started = await startSwitchBank(rig.bank)
  if (isLeft(started)) throw new Error('start-up failed')
  const results: PlanExecutionResult[] = []
  const dropped: [number, number][] = []
  const queue = createPlanQueue({
    bank: rig.bank,
    clock,
    onResult: (r) => results.push(r),
    onDropped: (p, a) => dropped.push([p, a]),
  })
  return { rig, queue, results, dropped }
}

describe('createPlanQueue', () => {
  it('runs plans in order, each from where the previous ended; empty plans answer with the readback', async () => {
    const { rig, queue, results } = await setUp()
    queue.submit({ planId: 1, steps: [step('open', 'A'), step('close', 'B')] })
    queue.submit({ planId: 2, steps: [] })
    queue.submit({ planId: 3, steps: [step('open', 'B'), step('close', 'A')] })
    await queue.idle()
    expect(results.map((r) => [r.planId, r._tag])).toEqual([
      [1, 'Applied'],
      [2, 'Applied'],
      [3, 'Applied'],
    ])
    expect(results[1]?.actual).toEqual([
      { supply: 's1', bus: 'A', closed: false },
      { supply: 's1', bus: 'B', closed: true },
    ])
    expect(rig.physicalState()).toEqual([
      { supply: 's1', bus: 'A', closed: true },
      { supply: 's1', bus: 'B', closed: false },
    ])
  })

  it('drops the plans queued behind an aborted one; later submissions run', async () => {
    const { queue, results, dropped } = await setUp(true)
    queue.submit({ planId: 1, steps: [step('open', 'A'), step('close', 'B')] })
    queue.submit({ planId: 2, steps: [step('open', 'B'), step('close', 'A')] })
    await queue.idle()
    expect(results.map((r) => [r.planId, r._tag])).toEqual([[1, 'Aborted']])
    expect(dropped).toEqual([[2, 1]])
    queue.submit({ planId: 3, steps: [] })
    await queue.idle()
    expect(results.map((r) => r.planId)).toEqual([1, 3])
  })
})
