import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createSheddingWorkspace,
  evaluateGreedy,
  evaluateServed,
  type SheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import {
  createClimbEvaluator,
  evaluateGreedyTouched,
  evaluateKeptTouched,
  settlePoint,
  type ClimbEvaluator,
} from '../../src/allocate/climbEvaluator.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { moveSupply, switchSideOf, type SwitchSide } from '../../src/allocate/switchSide.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'
import { scaledBenchRack } from './scaledBenchRack.js'

/** A bus index per supply (or -1), drawn from `picks` among each supply's options. */
const assignFrom = (ix: RackIndex, picks: readonly number[], offset: number): Int32Array =>
  Int32Array.from({ length: ix.supplyCount }, (_, s) => {
    const opts = ix.options[s] ?? new Int32Array(0)
    const p = (picks[(s + offset) % picks.length] ?? 0) % (opts.length + 1)
    return p === 0 ? -1 : (opts[p - 1] ?? -1)
  })

/**
 * The law every neighbour evaluation obeys: the touched-components evaluations (greedy's shedding, and the
 * point's kept shedding) equal evaluateGreedy and evaluateServed from scratch, vector, served set and bus
 * loads. Returns whether the kept shedding fits.
 */
const expectNeighbourAsFromScratch = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  ws: SheddingWorkspace,
  side: SwitchSide,
  servedHere: Uint8Array,
): boolean => {
  evaluateGreedyTouched(ix, ev, ws, side)
  const vector = Array.from(ws.vec)
  const served = Array.from(ev.greedyServed)
  const loadU = Array.from(ev.greedyLoadU)
  const cached = evaluateGreedy(ix, ws, side)
  expect(vector).toEqual(Array.from(ws.vec))
  expect(served).toEqual(Array.from(cached ? ws.cacheServed : ws.served))
  expect(loadU).toEqual(Array.from(cached ? ws.cacheLoadU : ws.loadU))
  const keptFits = evaluateKeptTouched(ix, ev, ws, side)
  const keptVector = Array.from(ws.vec)
  expect(evaluateServed(ix, ws, side, servedHere)).toBe(keptFits)
  if (keptFits) {
    expect(keptVector).toEqual(Array.from(ws.vec))
    expect(Array.from(ev.keptServed)).toEqual(Array.from(ws.served))
    expect(Array.from(ev.keptLoadU)).toEqual(Array.from(ws.loadU))
  }
  return keptFits
}

const caseArb = fc.record({
  rack: rackInputArb({
    maxSupplies: 10,
    maxBuses: 5,
    maxLoads: 14,
    maxFeeds: 0,
    varyPolicy: true,
    dualCordedShare: 0.7,
    capacitiesW: [400, 800, 1600],
  }),
  picks: fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 12 }),
  moves: fc.array(fc.tuple(fc.nat({ max: 20 }), fc.nat({ max: 5 })), { minLength: 1, maxLength: 3 }),
  keepMask: fc.array(fc.boolean(), { minLength: 1, maxLength: 14 }),
})

describe('climbEvaluator', () => {
  it('evaluates a neighbour as evaluateGreedy and evaluateServed do from scratch', () => {
    fc.assert(
      fc.property(caseArb, ({ rack, picks, moves, keepMask }) => {
        const decoded = decodeRackInput(rack)
        if (decoded._tag === 'Left') return
        const ix = indexRack(decoded.right)
        const ws = createSheddingWorkspace(ix)
        const ev = createClimbEvaluator(ix, ws)
        expect(ev).not.toBeNull()
        if (ev === null || ix.supplyCount === 0) return
        // The point, with a served set that fits there: greedy's, thinned by the mask.
        const side = switchSideOf(ix, assignFrom(ix, picks, 0))
        const fromCache = evaluateGreedy(ix, ws, side)
        const servedHere = Uint8Array.from(fromCache ? ws.cacheServed : ws.served, (x, l) =>
          keepMask[l % keepMask.length] === true ? x : 0,
        )
        settlePoint(ix, ev, side, servedHere)
        for (const [s, p] of moves) {
          const supply = s % ix.supplyCount
          const opts = ix.options[supply] ?? new Int32Array(0)
          const to = p % (opts.length + 1)
          moveSupply(ix, side, supply, to === 0 ? -1 : (opts[to - 1] ?? -1))
        }

        expectNeighbourAsFromScratch(ix, ev, ws, side, servedHere)
      }),
      { numRuns: 400 },
    )
  })

  it('evaluates several neighbours of one point in turn, adopting some, as from scratch', () => {
    let keptUp = 0
    let adopted = 0
    fc.assert(
      fc.property(
        caseArb,
        fc.array(
          fc.tuple(
            fc.nat({ max: 20 }),
            fc.nat({ max: 5 }),
            fc.boolean(),
            fc.constantFrom('no', 'greedy', 'kept'),
          ),
          { minLength: 2, maxLength: 8 },
        ),
        ({ rack, picks, keepMask }, neighbours) => {
          const decoded = decodeRackInput(rack)
          if (decoded._tag === 'Left') return
          const ix = indexRack(decoded.right)
          const ws = createSheddingWorkspace(ix)
          const ev = createClimbEvaluator(ix, ws)
          if (ev === null || ix.supplyCount === 0) return
          const side = switchSideOf(ix, assignFrom(ix, picks, 0))
          const fromCache = evaluateGreedy(ix, ws, side)
          let servedHere = Uint8Array.from(fromCache ? ws.cacheServed : ws.served, (x, l) =>
            keepMask[l % keepMask.length] === true ? x : 0,
          )
          settlePoint(ix, ev, side, servedHere)
          let upHere = Uint8Array.from(side.up)
          for (const [s, p, keepUp, adopt] of neighbours) {
            const supply = s % ix.supplyCount
            const opts = ix.options[supply] ?? new Int32Array(0)
            const j = p % (opts.length + 1)
            const to = j === 0 ? -1 : (opts[j - 1] ?? -1)
            const from = side.assign[supply] ?? -1
            moveSupply(ix, side, supply, to)
            const sameUp = side.up.every((x, b) => x === upHere[b])
            // Half the neighbours keep the point's up buses (the evaluator's shortcut), when they can.
            if (keepUp && !sameUp) {
              moveSupply(ix, side, supply, from)
              continue
            }
            if (sameUp && from !== to) keptUp++
            const keptFits = expectNeighbourAsFromScratch(ix, ev, ws, side, servedHere)
            // Adopt the neighbour with greedy's or its kept shedding, as the climb does, or step back.
            if (adopt === 'greedy' || (adopt === 'kept' && keptFits)) {
              servedHere = Uint8Array.from(adopt === 'greedy' ? ev.greedyServed : ev.keptServed)
              settlePoint(ix, ev, side, servedHere, adopt)
              upHere = Uint8Array.from(side.up)
              adopted++
            } else moveSupply(ix, side, supply, from)
          }
        },
      ),
      { numRuns: 1500 },
    )
    // The shortcut for neighbours with the point's up buses, and adopting, were exercised.
    expect(keptUp).toBeGreaterThan(100)
    expect(adopted).toBeGreaterThan(500)
  })

  it('matches from-scratch shedding on every single move of overloaded bench racks', () => {
    // Racks that must shed (loads scaled up), where greedy's decisions change part-way through a
    // component: every single move from a random point, then from the incumbent of each move.
    let compared = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(1.1, 1.4, 2, 4),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 12 }),
        (seed, scale, picks) => {
          const ix = scaledBenchRack({ supplies: 16, buses: 4, loads: 40 }, seed, scale)
          if (ix === undefined) return
          const ws = createSheddingWorkspace(ix)
          const ev = createClimbEvaluator(ix, ws)
          if (ev === null) return
          const side = switchSideOf(ix, assignFrom(ix, picks, 0))
          const fromCache = evaluateGreedy(ix, ws, side)
          const servedHere = Uint8Array.from(fromCache ? ws.cacheServed : ws.served)
          settlePoint(ix, ev, side, servedHere)
          for (let s = 0; s < ix.supplyCount; s++) {
            const from = side.assign[s] ?? -1
            for (const to of [-1, ...(ix.options[s] ?? [])]) {
              if (to === from) continue
              moveSupply(ix, side, s, to)
              expectNeighbourAsFromScratch(ix, ev, ws, side, servedHere)
              compared++
              moveSupply(ix, side, s, from)
            }
          }
        },
      ),
      { numRuns: 60 },
    )
    expect(compared).toBeGreaterThan(1000)
  })

  it('is not used for racks with feeds', () => {
    const rack = {
      supplies: [{ id: 'p1', capacityW: 1000, state: 'ok', feed: 'F1' }],
      buses: [{ id: 'A', priority: 1 }],
      loads: [{ id: 'l1', powerW: 100, priority: 1, buses: ['A'] }],
      switches: [{ supply: 'p1', bus: 'A', kind: 'fet', closed: true }],
      policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
    }
    const decoded = decodeRackInput(rack)
    expect(decoded._tag).toBe('Right')
    if (decoded._tag === 'Left') return
    const ix = indexRack(decoded.right)
    expect(ix.feedCount).toBe(1)
    expect(createClimbEvaluator(ix, createSheddingWorkspace(ix))).toBeNull()
  })
})
