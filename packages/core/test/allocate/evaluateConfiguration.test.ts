import { describe, expect, it } from 'vitest'
import { evaluateConfiguration } from '../../src/allocate/evaluateConfiguration.js'
import { indexRack, quantaPerWatt, unitsPerWatt } from '../../src/allocate/indexRack.js'
import type { RackInput } from '../../src/model/rack.js'

/**
 * A: p1 1000 W + p2 1000 W, B: p3 500 W (closed now: p1 on A only). Loads: s1 600 W dual A/B
 * (priority 2), s2 300 W on A only (priority 1). N+1.
 */
const rack = (over: Partial<RackInput> = {}): RackInput => ({
  supplies: [
    { id: 'p1', capacityW: 1000, state: 'ok' },
    { id: 'p2', capacityW: 1000, state: 'ok' },
    { id: 'p3', capacityW: 500, state: 'ok' },
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 's1', powerW: 600, priority: 2, buses: ['A', 'B'] },
    { id: 's2', powerW: 300, priority: 1, buses: ['A'] },
  ],
  switches: [
    { supply: 'p1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'p2', bus: 'A', kind: 'fet', closed: false },
    { supply: 'p2', bus: 'B', kind: 'fet', closed: false },
    { supply: 'p3', bus: 'B', kind: 'relay', closed: false },
  ],
  policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
  ...over,
})

const A = 0
const B = 1
const units = (w: number) => w * unitsPerWatt
const quanta = (w: number) => w * quantaPerWatt

describe('evaluateConfiguration', () => {
  it('computes loads, capacities, N+k, bus-loss survival and the vector by hand', () => {
    const ix = indexRack(rack())
    const e = evaluateConfiguration(ix, Int32Array.from([A, A, B]), Uint8Array.from([1, 1]))
    expect(e.admissible).toBe(true)
    // A carries half of s1 and all of s2: 300 + 300; B half of s1.
    expect(Array.from(e.loadU)).toEqual([units(600), units(300)])
    expect(Array.from(e.capacityU)).toEqual([units(2000), units(500)])
    // N+1: A keeps 1000 W after losing its largest, B keeps 0.
    expect(Array.from(e.redundantU)).toEqual([units(1000), 0])
    expect(Array.from(e.nPlusK)).toEqual([1, 0])
    // Losing A loses s2; losing B moves s1 wholly onto A: 900 W <= 2000 W.
    expect(Array.from(e.survivesLoss)).toEqual([0, 1])
    // [s1's priority: count, watts], [s2's: count, watts], N+1 buses of priority 1, survived, -changes (p2, p3 closed).
    expect(Array.from(e.vector)).toEqual([1, quanta(600), 1, quanta(300), 1, 1, -2])
  })

  it('treats a load with no bus up as shed and a requested shed as shed', () => {
    const ix = indexRack(rack())
    const e = evaluateConfiguration(ix, Int32Array.from([-1, -1, B]), Uint8Array.from([1, 1]))
    expect(Array.from(e.served)).toEqual([1, 0])
    expect(Array.from(e.loadU)).toEqual([0, units(600)])
    expect(e.admissible).toBe(false) // 600 W on 500 W
    expect(e.overloadedBuses).toEqual([B])
    const shedS1 = evaluateConfiguration(ix, Int32Array.from([-1, -1, B]), Uint8Array.from([0, 1]))
    expect(shedS1.admissible).toBe(true)
    expect(shedS1.vector.slice(0, 4)).toEqual([0, 0, 0, 0])
  })

  it('leaves at-risk supplies out of the redundant capacity and honours the bus rating', () => {
    const input = rack({
      supplies: [
        { id: 'p1', capacityW: 1000, state: 'ok', failureRisk: 0.7 },
        { id: 'p2', capacityW: 1000, state: 'warning' },
        { id: 'p3', capacityW: 500, state: 'ok' },
      ],
      buses: [
        { id: 'A', priority: 1, maxW: 550 },
        { id: 'B', priority: 1 },
      ],
    })
    const ix = indexRack(input)
    const e = evaluateConfiguration(ix, Int32Array.from([A, A, B]), Uint8Array.from([1, 1]))
    expect(Array.from(e.redundantU)).toEqual([0, 0])
    expect(e.overloadedBuses).toEqual([A]) // 600 W over the 550 W rating
    expect(e.admissible).toBe(false)
  })

  it('rounds the safe way below a microwatt: a load just over capacity is not powered', () => {
    const input = rack({
      supplies: [
        { id: 'p1', capacityW: 0.3, state: 'ok' },
        { id: 'p2', capacityW: 1000, state: 'ok' },
        { id: 'p3', capacityW: 500, state: 'ok' },
      ],
      loads: [
        { id: 's1', powerW: 0.3000001, priority: 2, buses: ['A'] },
        { id: 's2', powerW: 0, priority: 1, buses: ['A'] },
      ],
    })
    const ix = indexRack(input)
    expect(evaluateConfiguration(ix, Int32Array.from([A, -1, -1]), Uint8Array.from([1, 1])).admissible).toBe(
      false,
    )
    // Dyadic watts are exact: 0.25 W on 0.25 W is powered.
    const exact = indexRack(
      rack({
        supplies: [{ id: 'p1', capacityW: 0.25, state: 'ok' }],
        loads: [{ id: 's1', powerW: 0.25, priority: 1, buses: ['A'] }],
      }),
    )
    expect(evaluateConfiguration(exact, Int32Array.from([A]), Uint8Array.from([1])).admissible).toBe(true)
  })

  it('rejects a supply on a bus it has no switch to, or a failed supply', () => {
    const ix = indexRack(
      rack({ supplies: [...rack().supplies.slice(0, 2), { id: 'p3', capacityW: 500, state: 'failed' }] }),
    )
    expect(
      evaluateConfiguration(ix, Int32Array.from([B, -1, -1]), Uint8Array.from([1, 1])).invalidSupplies,
    ).toEqual([0])
    expect(
      evaluateConfiguration(ix, Int32Array.from([A, -1, B]), Uint8Array.from([1, 1])).invalidSupplies,
    ).toEqual([2])
  })

  /** The rack with p1, p2, p3 on the given AC feeds. */
  const fed = (feeds: readonly string[], busRedundancy = true): RackInput => {
    const base = rack()
    return {
      ...base,
      supplies: base.supplies.map((s, i) => ({ ...s, feed: feeds[i] ?? 'none' })),
      policy: { ...base.policy, busRedundancy },
    }
  }

  it('counts feed-loss scenarios on level 3, whatever bus redundancy says', () => {
    // A = p1 (F1) + p2 (F2), B = p3 (F1). Losing F1: B goes down, s1 moves wholly onto A, which keeps
    // p2: 900 W <= 1000 W. Losing F2: A keeps p1 (1000 W for 600 W), B keeps p3. Both survived.
    const ix = indexRack(fed(['F1', 'F2', 'F1'], false))
    const e = evaluateConfiguration(ix, Int32Array.from([A, A, B]), Uint8Array.from([1, 1]))
    expect(Array.from(e.feedSurvivesLoss)).toEqual([1, 1])
    expect(Array.from(e.feedCounted)).toEqual([1, 1])
    expect([e.busScenariosSurvived, e.feedScenariosSurvived]).toEqual([0, 2])
    expect(e.vector[e.vector.length - 2]).toBe(2)
  })

  it('fails a feed whose loss takes down the only bus of a load, adds feed and bus scenarios', () => {
    // A all on F1: losing it takes A down and s2 (on A only) with it. Losing F2 takes B down; s1
    // moves onto A: 900 W <= 2000 W. Bus losses: A's loses s2, B's is survived.
    const ix = indexRack(fed(['F1', 'F1', 'F2']))
    const e = evaluateConfiguration(ix, Int32Array.from([A, A, B]), Uint8Array.from([1, 1]))
    expect(Array.from(e.feedSurvivesLoss)).toEqual([0, 1])
    expect(Array.from(e.feedCounted)).toEqual([1, 1])
    expect([e.busScenariosSurvived, e.feedScenariosSurvived]).toEqual([1, 1])
    expect(e.vector[e.vector.length - 2]).toBe(2)
  })

  it('does not count a feed with no closed supply (it survives, trivially)', () => {
    // p2 (F3) open. Losing F1 (p1, A's only supply) loses s2; losing F2 (p3) moves s1 onto A: 900 W
    // <= 1000 W, and A, now carrying it all, keeps p1.
    const ix = indexRack(fed(['F1', 'F3', 'F2']))
    const e = evaluateConfiguration(ix, Int32Array.from([A, -1, B]), Uint8Array.from([1, 1]))
    expect(ix.feedIds).toEqual(['F1', 'F2', 'F3'])
    expect(Array.from(e.feedSurvivesLoss)).toEqual([0, 1, 1])
    expect(Array.from(e.feedCounted)).toEqual([1, 1, 0])
    expect(e.feedScenariosSurvived).toBe(1)
  })

  it('does not count a feed whose closed supplies sit on buses that carry no load', () => {
    // Both loads shed: p1..p3 closed, but no bus carries load, so no scenario counts.
    const ix = indexRack(fed(['F1', 'F2', 'F1']))
    const e = evaluateConfiguration(ix, Int32Array.from([A, A, B]), Uint8Array.from([0, 0]))
    expect(Array.from(e.feedCounted)).toEqual([0, 0])
    expect(e.feedScenariosSurvived).toBe(0)
  })

  it('counts survival 0 when bus redundancy is off, and a move as two changes', () => {
    const ix = indexRack(
      rack({ policy: { supplyRedundancy: 1, busRedundancy: false, derate: 1, preemptRisk: 0.5 } }),
    )
    const e = evaluateConfiguration(ix, Int32Array.from([B, -1, -1]), Uint8Array.from([1, 1]))
    expect(e.vector[e.vector.length - 2]).toBe(0)
    expect(e.vector[e.vector.length - 1]).toBe(-2)
  })
})
