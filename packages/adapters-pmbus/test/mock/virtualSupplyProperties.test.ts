/** Properties of the virtual supply's latching status, over random sequences of conditions and clears. */
import { expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { createVirtualSupply, supplyConditions, type SupplyCondition } from '../../src/mock/index.js'

const names = Object.keys(supplyConditions) as SupplyCondition[]
type Step =
  | { readonly kind: 'set'; readonly condition: SupplyCondition; readonly present: boolean }
  | { readonly kind: 'clear' }
  | { readonly kind: 'ara' }
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    condition: fc.constantFrom(...names),
    present: fc.boolean(),
  }),
  fc.constant({ kind: 'clear' as const }),
  fc.constant({ kind: 'ara' as const }),
)

test.prop([fc.array(step, { maxLength: 40 })], { numRuns: 300 })(
  'latched bits always cover present conditions; after CLEAR_FAULTS they equal them; OFF follows the conditions',
  (steps) => {
    const s = createVirtualSupply({ address: 0x58, capacityW: 1000 })
    const present = new Set<SupplyCondition>()
    const presentBits = (): Record<string, number> => {
      const bits: Record<string, number> = {}
      for (const c of present) {
        const b = supplyConditions[c]
        if (b.register !== undefined) bits[b.register] = (bits[b.register] ?? 0) | b.mask
      }
      return bits
    }
    for (const st of steps) {
      if (st.kind === 'set') {
        s.setCondition(st.condition, st.present)
        if (st.present) present.add(st.condition)
        else present.delete(st.condition)
      } else if (st.kind === 'clear') {
        s.write(Uint8Array.of(0x03))
        const latched = s.statusRegisters()
        const want = presentBits()
        for (const [reg, value] of Object.entries(latched)) expect(value).toBe(want[reg] ?? 0)
        // Alert is asserted after a clear exactly when some present condition has detail bits.
        expect(s.alertAsserted()).toBe(Object.values(want).some((v) => v !== 0))
      } else {
        const answered = s.alertResponse?.()
        if (answered !== undefined) s.alertResponded?.()
        expect(s.alertAsserted()).toBe(false)
      }
      const latched = s.statusRegisters()
      for (const [reg, bits] of Object.entries(presentBits()))
        expect((latched[reg as keyof typeof latched] & bits) === bits).toBe(true)
      const off = [...present].some((c) => supplyConditions[c].off)
      expect(((s.statusWord() >> 6) & 1) === 1).toBe(off)
      expect(((s.statusWord() >> 11) & 1) === 1).toBe(off)
    }
  },
)
