import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { allocationInput, initialControllerState } from '../../src/controller/step.js'
import { telemetryEvent } from '../../src/testing/eventArbitraries.js'
import { drive, rack } from './stepFixtures.js'

/** The fixture rack with psu1 and psu3 on feed AC1, psu2 on AC2 (psu3 names none when `partial`). */
const fedRack = (partial: boolean) => ({
  ...rack,
  supplies: rack.supplies.map((s) =>
    s.id === 'psu2' ? { ...s, feed: 'AC2' } : partial && s.id === 'psu3' ? s : { ...s, feed: 'AC1' },
  ),
})

const feedsOf = (prediction: boolean, partial: boolean) => {
  const state = initialControllerState({ rack: fedRack(partial), prediction: { enabled: prediction } })
  if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
  return allocationInput(state.right).supplies.map((s) => [s.id, s.feed])
}

describe('allocationInput', () => {
  it("passes each supply's AC feed through to allocate, with prediction on or off", () => {
    for (const prediction of [true, false]) {
      expect(feedsOf(prediction, false)).toEqual([
        ['psu1', 'AC1'],
        ['psu2', 'AC2'],
        ['psu3', 'AC1'],
      ])
    }
  })

  it('leaves a supply that names no feed without one (no feed key at all)', () => {
    for (const prediction of [true, false]) {
      const state = initialControllerState({ rack: fedRack(true), prediction: { enabled: prediction } })
      if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
      const psu3 = allocationInput(state.right).supplies.find((s) => s.id === 'psu3')
      expect(psu3 === undefined ? [] : Object.keys(psu3)).not.toContain('feed')
      expect(feedsOf(prediction, true)[2]).toEqual(['psu3', undefined])
    }
  })
})

describe('allocationInput: a lost feed', () => {
  const inputLost = ['word.vinUv', 'input.vinUvFault', 'word.powerGoodNegated', 'word.off']
  const startFed = (withFeeds: boolean) => {
    const state = initialControllerState({ rack: withFeeds ? fedRack(false) : rack })
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    return state.right
  }
  const stateOf = (input: ReturnType<typeof allocationInput>, id: string) =>
    input.supplies.find((s) => s.id === id)?.state

  it('plans a supply as failed once another on its feed failed from input loss and it shows input loss too', () => {
    const d = drive(startFed(true), [
      telemetryEvent('psu1', 10, inputLost),
      telemetryEvent('psu1', 20, inputLost),
      telemetryEvent('psu1', 30, inputLost), // faultPolls (3): psu1 failed, cause inputLoss
      telemetryEvent('psu3', 40, inputLost), // one sighting on the same feed (AC1)
      telemetryEvent('psu2', 50, inputLost), // one sighting on the other feed (AC2)
    ])
    expect(d.state.health.psu1?.cause).toBe('inputLoss')
    expect(d.state.health.psu3?.state).toBe('ok') // its own deglitch has not confirmed it yet
    const input = allocationInput(d.state)
    expect(stateOf(input, 'psu3')).toBe('failed')
    // AC2 is not known lost: one sighting is only an unconfirmed fault (at risk, not failed).
    expect(stateOf(input, 'psu2')).toBe('warning')
    // The sighting on the lost feed is an emergency: a plan at once, which never closes psu3.
    const plans = d.commands[3]?.filter((c) => c._tag === 'ApplyPlan') ?? []
    expect(plans).toHaveLength(1)
    for (const p of plans)
      if (p._tag === 'ApplyPlan')
        expect(p.steps.filter((st) => st.supply === 'psu3' && st.op === 'close')).toEqual([])
  })

  it('does nothing of the kind without feeds, or before the sighting', () => {
    const events = [10, 20, 30].map((t) => telemetryEvent('psu1', t, inputLost))
    const noFeeds = drive(startFed(false), [...events, telemetryEvent('psu3', 40, inputLost)])
    expect(stateOf(allocationInput(noFeeds.state), 'psu3')).toBe('warning') // unconfirmed, not failed
    const noSighting = drive(startFed(true), events)
    expect(stateOf(allocationInput(noSighting.state), 'psu3')).toBe('ok')
  })
})

describe('allocationInput: a fault the deglitch has not confirmed yet', () => {
  const ot = ['temperature.otFault']
  const startPlain = () => {
    const state = initialControllerState({ rack })
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    return state.right
  }
  const view = (events: Parameters<typeof drive>[1]) => {
    const d = drive(startPlain(), events)
    const input = allocationInput(d.state)
    return {
      health: d.state.health.psu3?.state,
      state: input.supplies.find((s) => s.id === 'psu3')?.state,
      switches: input.switches.filter((sw) => sw.supply === 'psu3').map((sw) => `${sw.bus}:${sw.closed}`),
    }
  }

  it('counts the supply as at risk and never as a candidate to close, until the fault is confirmed', () => {
    // psu3 is the open spare (wired to A and B): one or two fault polls make it unusable as a spare.
    expect(view([])).toEqual({ health: 'ok', state: 'ok', switches: ['A:false', 'B:false'] })
    for (const polls of [1, 2])
      expect(view([10, 20].slice(0, polls).map((t) => telemetryEvent('psu3', t, ot)))).toEqual({
        health: 'ok',
        state: 'warning',
        switches: [],
      })
    // Confirmed: failed (its switches stay listed, all open).
    expect(view([10, 20, 30].map((t) => telemetryEvent('psu3', t, ot)))).toEqual({
      health: 'failed',
      state: 'failed',
      switches: ['A:false', 'B:false'],
    })
    // A glitch: one clean poll after it and the spare is a candidate again.
    expect(view([telemetryEvent('psu3', 10, ot), telemetryEvent('psu3', 20, [])])).toEqual({
      health: 'ok',
      state: 'ok',
      switches: ['A:false', 'B:false'],
    })
  })

  it('keeps a suspect supply where it is: its closed switch stays in the input', () => {
    const d = drive(startPlain(), [telemetryEvent('psu1', 10, ot)])
    const input = allocationInput(d.state)
    expect(input.supplies.find((s) => s.id === 'psu1')?.state).toBe('warning')
    expect(input.switches.filter((sw) => sw.supply === 'psu1')).toEqual([
      { supply: 'psu1', bus: 'A', kind: 'relay', closed: true },
    ])
  })
})
