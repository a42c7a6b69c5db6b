import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { SignalRef, Wiring } from '../../src/wiring/Wiring.js'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'
import { wiringArbitrary } from '../wiringArbitrary.js'

const encodeSignal = (s: SignalRef) =>
  s._tag === 'GpioLine' ? { gpioLine: s.offset } : { expander: s.expander, pin: s.pin }
const encode = (w: Wiring) => ({
  expanders: w.expanders.map((e) => ({ ...e })),
  switches: w.switches.map((s) => ({
    supply: s.supply,
    bus: s.bus,
    kind: s.kind,
    polarity: s.polarity,
    output: encodeSignal(s.output),
    ...(s.feedback === undefined
      ? {}
      : { feedback: { input: encodeSignal(s.feedback.input), polarity: s.feedback.polarity } }),
  })),
})

type Json = ReturnType<typeof encode>
type Corruption = { readonly apply: (json: Json) => boolean; readonly path: (json: Json) => string }

const corruptions = (i: number, j: number): Corruption[] => [
  {
    // A pin out of range on an expander-driven switch.
    apply: (json) => {
      const sw = json.switches[i % json.switches.length]
      const expander = sw?.output.expander
      if (sw === undefined || expander === undefined) return false
      sw.output = { expander, pin: 16 + (j % 8) }
      return true
    },
    path: (json) => `switches[${i % json.switches.length}].output.pin`,
  },
  {
    // Two switches on one output.
    apply: (json) => {
      const a = json.switches[i % json.switches.length]
      const bIndex = (i + 1 + (j % Math.max(1, json.switches.length - 1))) % json.switches.length
      const b = json.switches[bIndex]
      if (a === undefined || b === undefined || a === b || bIndex < i % json.switches.length) return false
      b.output = a.output
      return true
    },
    path: (json) =>
      `switches[${(i + 1 + (j % Math.max(1, json.switches.length - 1))) % json.switches.length}].output`,
  },
  {
    // Feedback on the switch's own output pin.
    apply: (json) => {
      const sw = json.switches[i % json.switches.length]
      if (sw === undefined) return false
      ;(sw as Record<string, unknown>)['feedback'] = { input: sw.output, polarity: 'activeHigh' }
      return true
    },
    path: (json) => `switches[${i % json.switches.length}].feedback.input`,
  },
  {
    // An expander address out of range.
    apply: (json) => {
      const e = json.expanders[i % json.expanders.length]
      if (e === undefined) return false
      e.address = j % 2 === 0 ? 0x28 + (j % 8) : 0x18 + (j % 8)
      return true
    },
    path: (json) => `expanders[${i % json.expanders.length}].address`,
  },
  {
    // The same switch twice.
    apply: (json) => {
      const a = json.switches[0]
      const bIndex = 1 + (i % Math.max(1, json.switches.length - 1))
      const b = json.switches[bIndex]
      if (a === undefined || b === undefined) return false
      b.supply = a.supply
      b.bus = a.bus
      return true
    },
    path: (json) => `switches[${1 + (i % Math.max(1, json.switches.length - 1))}]`,
  },
  {
    // An unknown expander.
    apply: (json) => {
      const sw = json.switches[i % json.switches.length]
      if (sw === undefined) return false
      sw.output = { expander: 'nowhere', pin: 0 }
      return true
    },
    path: (json) => `switches[${i % json.switches.length}].output.expander`,
  },
]

describe('decodeWiring properties', () => {
  test.prop([wiringArbitrary], { numRuns: 150 })(
    'a decoded wiring re-encoded decodes to itself',
    (wiring) => {
      const again = decodeWiring(encode(wiring))
      expect(again).toEqual({ _tag: 'Right', right: wiring })
    },
  )

  test.prop([wiringArbitrary, fc.nat(5), fc.nat(50), fc.nat(50)], { numRuns: 300 })(
    'each corruption of a valid wiring is an error naming the corrupted entry',
    (wiring, which, i, j) => {
      const json = encode(wiring)
      const corruption = corruptions(i, j)[which] as Corruption
      fc.pre(corruption.apply(json))
      const decoded = decodeWiring(json)
      expect(isLeft(decoded)).toBe(true)
      if (!isLeft(decoded)) return
      expect(decoded.left.issues.map((issue) => issue.path)).toContain(corruption.path(json))
      for (const issue of decoded.left.issues) expect(issue.message.startsWith(issue.path)).toBe(true)
    },
  )
})
