import { describe, expect, it } from 'vitest'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'

const valid = (): { expanders: unknown[]; switches: unknown[] } => ({
  expanders: [
    { id: 'u1', kind: 'pca9555', address: 0x20 },
    { id: 'u2', kind: 'mcp23017', address: '0x27' },
  ],
  switches: [
    {
      supply: 'psu2',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 0 },
      feedback: { input: { expander: 'u1', pin: 8 }, polarity: 'activeLow' },
    },
    { supply: 'psu1', bus: 'B', kind: 'fet', polarity: 'activeLow', output: { gpioLine: 5 } },
    {
      supply: 'psu1',
      bus: 'A',
      kind: 'breaker',
      polarity: 'activeHigh',
      output: { expander: 'u2', pin: 15 },
      feedback: { input: { gpioLine: 6 }, polarity: 'activeHigh' },
    },
  ],
})

const messages = (u: unknown, context = {}): string[] => {
  const decoded = decodeWiring(u, context)
  if (!isLeft(decoded)) throw new Error('expected a WiringError')
  return decoded.left.issues.map((i) => i.message)
}

describe('decodeWiring', () => {
  it('decodes a valid wiring, sorted by (supply, bus), hex-string addresses accepted', () => {
    const decoded = decodeWiring(valid(), { supplies: ['psu1', 'psu2'], buses: ['A', 'B'] })
    expect(isRight(decoded)).toBe(true)
    if (!isRight(decoded)) return
    expect(decoded.right.switches.map((s) => `${s.supply}/${s.bus}`)).toEqual(['psu1/A', 'psu1/B', 'psu2/A'])
    expect(decoded.right.expanders[1]).toEqual({ id: 'u2', kind: 'mcp23017', address: 0x27 })
    expect(decoded.right.switches[0]?.feedback).toEqual({
      input: { _tag: 'GpioLine', offset: 6 },
      polarity: 'activeHigh',
    })
    expect(decoded.right.switches[2]?.output).toEqual({ _tag: 'ExpanderPin', expander: 'u1', pin: 0 })
  })

  it('names a pin out of range with the expander kind', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu3',
      bus: 'A',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 17 },
    })
    expect(messages(w)).toEqual(['switches[3].output.pin 17 is out of range 0-15 for pca9555'])
  })

  it('names two switches on one output pin', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu3',
      bus: 'A',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 0 },
    })
    expect(messages(w)).toEqual(['switches[3].output expander u1 pin 0 is already the output of switches[0]'])
  })

  it('names two switches on one GPIO line', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu3',
      bus: 'A',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { gpioLine: 5 },
    })
    expect(messages(w)).toEqual(['switches[3].output gpio line 5 is already the output of switches[1]'])
  })

  it('names the same switch twice', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu1',
      bus: 'B',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 3 },
    })
    expect(messages(w)).toEqual(['switches[3] (psu1, B) is already wired by switches[1]'])
  })

  it('names an unknown expander', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu3',
      bus: 'A',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { expander: 'u9', pin: 1 },
    })
    expect(messages(w)).toEqual(['switches[3].output.expander "u9" is not a declared expander'])
  })

  it('names an address out of range and a duplicate address', () => {
    const w = valid()
    w.expanders.push(
      { id: 'u3', kind: 'tca9555', address: 0x28 },
      { id: 'u4', kind: 'tca9555', address: 0x20 },
    )
    expect(messages(w)).toEqual([
      'expanders[2].address 0x28 is out of range 0x20-0x27',
      'expanders[3].address 0x20 is already used by expanders[0]',
    ])
  })

  it("names feedback on a pin that is also an output (its own or another switch's)", () => {
    const w = valid()
    w.switches.push(
      {
        supply: 'psu3',
        bus: 'A',
        kind: 'relay',
        polarity: 'activeHigh',
        output: { expander: 'u1', pin: 4 },
        feedback: { input: { expander: 'u1', pin: 4 }, polarity: 'activeHigh' },
      },
      {
        supply: 'psu4',
        bus: 'A',
        kind: 'relay',
        polarity: 'activeHigh',
        output: { expander: 'u1', pin: 5 },
        feedback: { input: { expander: 'u2', pin: 15 }, polarity: 'activeHigh' },
      },
    )
    expect(messages(w)).toEqual([
      'switches[3].feedback.input expander u1 pin 4 is already the output of this switch',
      'switches[4].feedback.input expander u2 pin 15 is already the output of switches[2]',
    ])
  })

  it('names unknown fields (a misspelt "feedback" must not silently drop the feedback)', () => {
    const w = valid()
    w.switches.push({
      supply: 'psu3',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 6, gpioLine: 3 },
      feedbak: { input: { gpioLine: 9 }, polarity: 'activeHigh' },
    })
    expect(messages({ ...w, version: 2 })).toEqual([
      'version is not a known field (expanders, switches)',
      'switches[3].feedbak is not a known field (supply, bus, kind, polarity, output, feedback)',
      'switches[3].output.expander is not a known field (gpioLine)',
      'switches[3].output.pin is not a known field (gpioLine)',
    ])
  })

  it('names unknown supplies and buses when the rack ids are given', () => {
    expect(messages(valid(), { supplies: ['psu1'], buses: ['A'] })).toEqual([
      'switches[0].supply "psu2" is not a supply of the rack',
      'switches[1].bus "B" is not a bus of the rack',
    ])
  })

  it('names bad kinds, polarities and shapes', () => {
    expect(
      messages({
        expanders: [{ id: 'u1', kind: 'pcf8574', address: 0x20 }],
        switches: [
          { supply: 'p', bus: 'A', kind: 'triac', polarity: 'high', output: { gpioLine: -1 } },
          { supply: '', bus: 'A', kind: 'fet', polarity: 'activeHigh', output: { expander: 'u1', pin: 2 } },
          7,
        ],
      }),
    ).toEqual([
      'expanders[0].kind must be one of pca9555 | tca9555 | mcp23017, got "pcf8574"',
      'switches[0].kind must be one of fet | relay | breaker, got "triac"',
      'switches[0].polarity must be activeHigh | activeLow, got "high"',
      'switches[0].output.gpioLine must be a non-negative integer line offset, got -1',
      'switches[1].supply must be a non-empty string, got ""',
      'switches[2] must be an object, got 7',
    ])
    expect(messages(null)).toEqual([
      'wiring must be an object with "switches" (and optional "expanders"), got null',
    ])
    expect(messages({ switches: {} })).toEqual(['switches must be an array, got {}'])
  })
})
