// Test helper: random but valid wirings (decoded through decodeWiring, so the decoder is exercised too).
import { fc } from '@fast-check/vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { Wiring } from '../src/wiring/Wiring.js'
import { decodeWiring, formatWiringError } from '../src/wiring/decodeWiring.js'

const kinds = ['fet', 'relay', 'breaker'] as const
const expanderKinds = ['pca9555', 'tca9555', 'mcp23017'] as const
const polarities = ['activeHigh', 'activeLow'] as const

export const supplyIds = ['s1', 's2', 's3', 's4'] as const
export const busIds = ['A', 'B', 'C'] as const

const signalChoice = fc.record({ onExpander: fc.boolean(), expanderIndex: fc.nat(1), pinSeed: fc.nat(15) })

const switchChoice = fc.record({
  present: fc.boolean(),
  kind: fc.constantFrom(...kinds),
  polarity: fc.constantFrom(...polarities),
  output: signalChoice,
  feedback: fc.option(fc.record({ input: signalChoice, polarity: fc.constantFrom(...polarities) }), {
    nil: undefined,
  }),
})

export const wiringArbitrary: fc.Arbitrary<Wiring> = fc
  .record({
    supplies: fc.integer({ min: 1, max: 4 }),
    buses: fc.integer({ min: 2, max: 3 }),
    expanders: fc.array(fc.constantFrom(...expanderKinds), { minLength: 1, maxLength: 2 }),
    switches: fc.array(switchChoice, { minLength: 12, maxLength: 12 }),
    feedbackEverywhere: fc.boolean(),
  })
  .map((choice) => {
    const expanders = choice.expanders.map((kind, i) => ({ id: `u${i + 1}`, kind, address: 0x20 + i * 3 }))
    const freePins = expanders.map(() => new Set(Array.from({ length: 16 }, (_, pin) => pin)))
    let nextLine = 0
    const place = (c: { onExpander: boolean; expanderIndex: number; pinSeed: number }) => {
      const index = c.expanderIndex % expanders.length
      const free = freePins[index] as Set<number>
      if (c.onExpander && free.size > 0) {
        const pins = [...free].sort((a, b) => a - b)
        const pin = pins[c.pinSeed % pins.length] as number
        free.delete(pin)
        return { expander: `u${index + 1}`, pin }
      }
      return { gpioLine: nextLine++ }
    }
    const switches: unknown[] = []
    choice.switches.forEach((c, i) => {
      const supply = supplyIds[Math.floor(i / 3)] as string
      const busIndex = i % 3
      if (Math.floor(i / 3) >= choice.supplies || busIndex >= choice.buses) return
      if (!c.present && switches.length > 0) return
      const feedback =
        c.feedback ?? (choice.feedbackEverywhere ? { input: c.output, polarity: c.polarity } : undefined)
      switches.push({
        supply,
        bus: busIds[busIndex],
        kind: c.kind,
        polarity: c.polarity,
        output: place(c.output),
        ...(feedback === undefined
          ? {}
          : { feedback: { input: place(feedback.input), polarity: feedback.polarity } }),
      })
    })
    const decoded = decodeWiring({ expanders, switches })
    if (isLeft(decoded))
      throw new Error(`wiringArbitrary built a bad wiring: ${formatWiringError(decoded.left)}`)
    return decoded.right
  })

/** A closed set with at most one closed switch per supply (an admissible starting state). */
export const closedSetArbitrary = (wiring: Wiring): fc.Arbitrary<{ supply: string; bus: string }[]> =>
  fc.array(fc.nat(3), { minLength: supplyIds.length, maxLength: supplyIds.length }).map((picks) => {
    const closed: { supply: string; bus: string }[] = []
    supplyIds.forEach((supply, i) => {
      const options = wiring.switches.filter((s) => s.supply === supply)
      const pick = picks[i] as number
      const sw = options[pick]
      if (sw !== undefined) closed.push({ supply: sw.supply, bus: sw.bus })
    })
    return closed
  })
