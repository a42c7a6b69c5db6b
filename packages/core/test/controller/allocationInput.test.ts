import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { allocationInput, initialControllerState } from '../../src/controller/step.js'
import { rack } from './stepFixtures.js'

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
