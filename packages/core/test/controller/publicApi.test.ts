/** What a firmware user's CI would write: the controller and its arbitraries from the public entries. */
import { expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { initialControllerState, step, type ControllerConfig } from '@busbar/core'
import { eventSequenceArb } from '@busbar/core/testing'

const config: ControllerConfig = {
  rack: {
    supplies: [
      { id: 'psu1', capacityW: 2000, state: 'ok' },
      { id: 'psu2', capacityW: 3000, state: 'ok' },
    ],
    buses: [{ id: 'A', priority: 1 }],
    loads: [{ id: 'srv1', powerW: 900, priority: 1, buses: ['A'] }],
    switches: [
      { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu2', bus: 'A', kind: 'fet', closed: true },
    ],
  },
  reallocation: { minDwellMs: 5_000 },
}

test.prop(
  [
    eventSequenceArb(
      {
        supplies: [
          { id: 'psu1', capacityW: 2000 },
          { id: 'psu2', capacityW: 3000 },
        ],
        loads: [{ id: 'srv1', powerW: 900 }],
        switches: [
          { supply: 'psu1', bus: 'A' },
          { supply: 'psu2', bus: 'A' },
        ],
      },
      { maxLength: 150 },
    ),
  ],
  { numRuns: 50 },
)(
  'through the public API: no plan ever closes a supply the controller believes failed or absent',
  (events) => {
    const init = initialControllerState(config)
    if (E.isLeft(init)) throw new Error('config rejected')
    let s = init.right
    for (const e of events) {
      const r = step(s, e)
      s = r.state
      for (const c of r.commands) {
        if (c._tag !== 'ApplyPlan') continue
        for (const k of c.plan.closed) expect(['failed', 'absent']).not.toContain(s.health[k.supply]?.state)
      }
    }
  },
)
