import { describe, expect, it } from 'vitest'
import { test, fc } from '@fast-check/vitest'
import type { SwitchStep } from '../../src/model/plan.js'
import { deferStuckOpens } from '../../src/controller/deferStuckOpens.js'

const open = (supply: string, bus: string): SwitchStep => ({ op: 'open', supply, bus, kind: 'relay' })
const close = (supply: string, bus: string): SwitchStep => ({ op: 'close', supply, bus, kind: 'relay' })

describe('deferStuckOpens', () => {
  it('moves the open of a failed supply through a suspect switch to the end', () => {
    const steps = [open('psu1', 'A'), open('psu2', 'B'), close('psu3', 'B'), open('psu4', 'A')]
    const out = deferStuckOpens(
      steps,
      (s) => s.supply === 'psu1' && s.bus === 'A',
      (id) => id === 'psu1' || id === 'psu2',
    )
    expect(out).toEqual([open('psu2', 'B'), close('psu3', 'B'), open('psu4', 'A'), open('psu1', 'A')])
  })

  it('leaves usable supplies (a move may depend on the open) and closes where they are', () => {
    const steps = [open('psu1', 'A'), close('psu1', 'B'), open('psu2', 'B')]
    const suspect = () => true
    expect(deferStuckOpens(steps, suspect, () => false)).toBe(steps)
    expect(
      deferStuckOpens(
        steps,
        () => false,
        () => true,
      ),
    ).toBe(steps)
  })

  // The law: a permutation that keeps the non-deferred steps' order and puts the deferred opens last.
  test.prop([
    fc.array(
      fc.record({
        op: fc.constantFrom('open' as const, 'close' as const),
        supply: fc.constantFrom('p1', 'p2', 'p3'),
        bus: fc.constantFrom('A', 'B'),
        kind: fc.constant('fet' as const),
      }),
      { maxLength: 8 },
    ),
    fc.func(fc.boolean()),
    fc.func(fc.boolean()),
  ])('is a stable partition with the deferred opens last', (steps, suspectOf, unusableOf) => {
    const suspect = (s: { supply: string; bus: string }) => suspectOf(`${s.supply}${s.bus}`)
    const unusable = (id: string) => unusableOf(id)
    const moved = (st: SwitchStep) => st.op === 'open' && suspect(st) && unusable(st.supply)
    const out = deferStuckOpens(steps, suspect, unusable)
    expect(out).toEqual([...steps.filter((s) => !moved(s)), ...steps.filter(moved)])
  })
})
