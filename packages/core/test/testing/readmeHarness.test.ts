// The README's "Run our invariants in your own CI" example, verbatim but for the fixture path: if this
// test breaks, the README is wrong. The fixture is packages/sim/examples/plan-one-failed.json.
import { test } from '@fast-check/vitest'
import { expect } from 'vitest'
import { allocate, decodeRackInput } from '@busbar/core'
import { checkPlan, shuffledRackArb } from '@busbar/core/testing'
import myRack from './fixtures/my-rack.json' with { type: 'json' }

const decoded = decodeRackInput(myRack)
if (decoded._tag === 'Left') throw new Error('my-rack.json is not a valid rack')
const rack = decoded.right

test.prop([shuffledRackArb(rack)])('our rack: every plan keeps the spec', (input) => {
  expect(checkPlan(input, allocate(input))).toEqual([])
})

test('the harness can fail: a plan that connects the failed supply is caught', () => {
  const failed = rack.supplies.find((s) => s.state === 'failed')
  expect(failed).toBeDefined()
  const sw = rack.switches.find((w) => w.supply === failed!.id)!
  const plan = allocate(rack)
  const bad = { ...plan, closed: [...plan.closed, { supply: sw.supply, bus: sw.bus }] }
  expect(checkPlan(rack, bad).length).toBeGreaterThan(0)
})
