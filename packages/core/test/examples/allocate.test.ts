// Runs packages/core/examples/allocate.ts (the example the `allocate` doc comment includes) and checks
// what it prints and plans: the failed supply goes first, the spare takes its bus, the plan keeps the spec.
import { afterAll, describe, expect, it, vi } from 'vitest'
import { checkPlan } from '@busbar/core/testing'

const log = vi.spyOn(console, 'log').mockImplementation(() => {})
const example = await import('../../examples/allocate.js')
const printed = log.mock.calls.map((args) => args.join(' ')).join('\n')
afterAll(() => log.mockRestore())

describe('examples/allocate.ts', () => {
  it('prints the lines it exports, once', () => {
    expect(log).toHaveBeenCalledTimes(1)
    expect(printed).toBe(example.lines.join('\n'))
  })

  it('opens the failed psu1 before closing the spare psu3 onto bus A', () => {
    const ops = example.plan.steps.map((s) => `${s.op} ${s.supply} ${s.bus}`)
    expect(ops).toEqual(['open psu1 A', 'close psu3 A'])
    expect(printed).toContain('step 1: open psu1 -> A (relay)')
    expect(printed).toContain('step 2: close psu3 -> A (relay)')
  })

  it('explains the change and keeps every rule of the spec', () => {
    expect(example.plan.reasons).toContainEqual({
      _tag: 'SupplyUnavailable',
      supply: 'psu1',
      bus: 'A',
      state: 'failed',
    })
    expect(printed).toContain('because psu1 leaves bus A: it is failed')
    expect(example.plan.shed).toEqual([])
    expect(checkPlan(example.rack, example.plan)).toEqual([])
  })
})
