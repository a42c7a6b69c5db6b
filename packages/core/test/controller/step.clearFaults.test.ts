import { describe, expect, it } from 'vitest'
import type { ControllerEvent } from '../../src/controller/events.js'
import { statusBitsKey, type ControllerState } from '../../src/controller/step.js'
import { telemetryEvent } from '../../src/testing/eventArbitraries.js'
import { drive, start } from './stepFixtures.js'

const clears = (cmds: readonly { _tag: string }[]): number =>
  cmds.filter((c) => c._tag === 'ClearFaults').length
const alert = (atMs: number): ControllerEvent => ({ _tag: 'Alert', atMs, supply: 'psu1' })

/** A persistent fault as the shell sees it: each ClearFaults re-latches, SMBALERT# fires, the alert's read answers. */
const persistentFaultCycles = (s: ControllerState, fromMs: number, cycles: number, everyMs: number) =>
  drive(
    s,
    Array.from({ length: cycles }, (_, i) => [
      alert(fromMs + i * everyMs),
      telemetryEvent('psu1', fromMs + i * everyMs + 1, ['word.off', 'temperature.otFault']),
    ]).flat(),
  )

describe('step: a persistent fault is not cleared on every alert (clearFaultsRetryMs)', () => {
  it('clears the same latched bits once, then again only after the retry time', () => {
    const first = drive(start(), [telemetryEvent('psu1', 0, ['word.off', 'temperature.otFault'])])
    expect(first.commands.map(clears)).toEqual([1])
    // Alert + read every second for 2 minutes: re-cleared once a minute (60 s default), not 120 times.
    const cycles = persistentFaultCycles(first.state, 1000, 120, 1000)
    expect(cycles.commands.map(clears).reduce((a, b) => a + b, 0)).toBe(2)
  })

  it('the retry time is a poll setting, and 0 restores clearing on every read the controller issues', () => {
    const s0 = start({ poll: { clearFaultsRetryMs: 0 } })
    expect(s0.config.policies.poll.clearFaultsRetryMs).toBe(0)
    const first = drive(s0, [telemetryEvent('psu1', 0, ['word.off'])])
    const cycles = persistentFaultCycles(first.state, 1000, 5, 1000)
    expect(cycles.commands.map(clears).reduce((a, b) => a + b, 0)).toBe(5)
  })

  it('different bits are cleared at once', () => {
    const d = drive(start(), [
      telemetryEvent('psu1', 0, ['word.off']),
      alert(10),
      telemetryEvent('psu1', 11, ['word.off', 'temperature.otFault']),
    ])
    expect(d.commands.map(clears)).toEqual([1, 0, 1])
  })

  it('a clean snapshot forgets the last clear, so the fault coming back is cleared at once', () => {
    const d = drive(start(), [
      telemetryEvent('psu1', 0, ['word.off']),
      alert(10),
      telemetryEvent('psu1', 11, []),
      alert(20),
      telemetryEvent('psu1', 21, ['word.off']),
    ])
    expect(d.commands.map(clears)).toEqual([1, 0, 0, 0, 1])
    expect(d.state.lastClear.psu1?.atMs).toBe(21)
  })

  it('rejects a negative retry time with its path', () => {
    expect(() => start({ poll: { clearFaultsRetryMs: -1 } })).toThrow(/poll\.clearFaultsRetryMs/)
  })
})

describe('statusBitsKey', () => {
  const status = (flags: string[]) => {
    const e = telemetryEvent('psu1', 0, flags)
    return e._tag === 'Telemetry' ? e.sample.status : (undefined as never)
  }

  it("is '' when no bit is set and names every set bit otherwise, whatever the flag order", () => {
    expect(statusBitsKey(status([]))).toBe('')
    expect(statusBitsKey(status(['word.off', 'temperature.otFault']))).toBe(
      statusBitsKey(status(['temperature.otFault', 'word.off'])),
    )
    expect(statusBitsKey(status(['word.off', 'temperature.otFault']))).toContain('temperature.otFault')
  })

  it('counts the raw STATUS_OTHER and MFR bytes', () => {
    expect(statusBitsKey({ ...status([]), otherRaw: 4 })).toBe('otherRaw=4')
    expect(statusBitsKey({ ...status([]), mfrRaw: 1 })).not.toBe(statusBitsKey({ ...status([]), mfrRaw: 2 }))
  })
})
