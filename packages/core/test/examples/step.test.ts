// Runs packages/core/examples/step.ts (the example the `step` doc comment includes) and checks the
// commands it prints: polling, CLEAR_FAULTS after the first fault reading, and on the third reading (the
// deglitch count) one plan replacing psu1 by the spare psu3, then a supplyFailed alarm.
import { afterAll, describe, expect, it, vi } from 'vitest'

const log = vi.spyOn(console, 'log').mockImplementation(() => {})
const example = await import('../../examples/step.js')
const printed = log.mock.calls.map((args) => args.join(' ')).join('\n')
afterAll(() => log.mockRestore())

describe('examples/step.ts', () => {
  it('prints the lines it exports, once', () => {
    expect(log).toHaveBeenCalledTimes(1)
    expect(printed).toBe(example.lines.join('\n'))
  })

  it('polls, clears faults, then switches psu1 out on the third fault reading', () => {
    const applyAt = example.lines.findIndex((l) => l.includes('apply plan'))
    expect(example.lines[0]).toBe('Tick @0 ms -> read psu1 (full)')
    expect(example.lines.slice(0, applyAt)).toContain('Telemetry @10 ms -> clear faults of psu1')
    expect(example.lines[applyAt]).toBe('Telemetry @30 ms -> apply plan 1: open psu1->A, close psu3->A')
    expect(example.lines.slice(applyAt)).toContainEqual(
      expect.stringMatching(/^Telemetry @30 ms -> raise supplyFailed on psu1/),
    )
    expect(example.lines.filter((l) => l.includes('apply plan'))).toHaveLength(1)
  })

  it('ends with psu1 failed, the plan applied and polling going on', () => {
    const { finalState } = example
    expect(finalState.health['psu1']?.state).toBe('failed')
    expect(finalState.applying).toBeUndefined()
    const closed = finalState.config.rack.switches
      .filter((_, i) => finalState.believedClosed[i])
      .map((s) => `${s.supply}->${s.bus}`)
    expect(closed).toEqual(['psu2->B', 'psu3->A'])
    expect(example.lines.at(-1)).toBe('Tick @400 ms -> read psu2 (full)')
  })
})
