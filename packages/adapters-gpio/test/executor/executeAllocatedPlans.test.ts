// Integration: the plans core's `allocate` produces, executed on virtual hardware wired from the rack.
import { describe, expect } from 'vitest'
import { test } from '@fast-check/vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import { allocate } from '@busbar/core'
import type { RackInput } from '@busbar/core'
import { smallRackArb } from '@busbar/core/testing'
import { decodeWiring, formatWiringError } from '../../src/wiring/decodeWiring.js'
import type { Wiring } from '../../src/wiring/Wiring.js'
import { switchKey } from '../../src/wiring/Wiring.js'
import { startSwitchBank } from '../../src/bank/startSwitchBank.js'
import { executePlan } from '../../src/executor/executePlan.js'
import { defaultSwitchTiming } from '../../src/executor/switchTiming.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'

/** Outputs on u1 (PCA9555) or GPIO lines, alternately; relay and breaker feedback on u2 (MCP23017). */
const wiringFor = (rack: RackInput): Wiring => {
  let gpioLine = 0
  let outPin = 0
  let feedbackPin = 0
  const decoded = decodeWiring(
    {
      expanders: [
        { id: 'u1', kind: 'pca9555', address: 0x20 },
        { id: 'u2', kind: 'mcp23017', address: 0x21 },
      ],
      switches: rack.switches.map((sw, i) => ({
        supply: sw.supply,
        bus: sw.bus,
        kind: sw.kind,
        polarity: i % 3 === 0 ? 'activeLow' : 'activeHigh',
        output: i % 2 === 0 ? { expander: 'u1', pin: outPin++ } : { gpioLine: gpioLine++ },
        ...(sw.kind === 'fet'
          ? {}
          : {
              feedback: {
                input: { expander: 'u2', pin: feedbackPin++ },
                polarity: i % 2 === 0 ? 'activeLow' : 'activeHigh',
              },
            }),
      })),
    },
    { supplies: rack.supplies.map((s) => s.id), buses: rack.buses.map((b) => b.id) },
  )
  if (isLeft(decoded)) throw new Error(formatWiringError(decoded.left))
  return decoded.right
}

describe('executing allocated plans', () => {
  test.prop([smallRackArb()], { numRuns: 120 })(
    "allocate's steps apply on the virtual hardware, reach plan.closed, and never bridge a supply",
    async (rack) => {
      const wiring = wiringFor(rack)
      const clock = createVirtualClock()
      const closedNow = rack.switches.filter((s) => s.closed)
      const rig = createVirtualSwitchRig(wiring, {
        clock,
        configuredWithClosed: closedNow,
        // Physical delays within each kind's settle time.
        delayMs: (ref) =>
          0.9 *
          defaultSwitchTiming[wiring.switches.find((s) => switchKey(s) === switchKey(ref))?.kind ?? 'fet']
            .settleMs,
      })
      const started = await startSwitchBank(rig.bank)
      expect(started._tag).toBe('Right')
      const plan = allocate(rack)
      const result = await executePlan(plan.steps, { planId: 1, bank: rig.bank, clock })
      expect(result._tag).toBe('Applied')
      expect(result.actual.filter((s) => s.closed).map(({ supply, bus }) => ({ supply, bus }))).toEqual(
        plan.closed,
      )
      const bridgedAtStart = new Set<string>()
      const seen = new Set<string>()
      for (const s of closedNow) (seen.has(s.supply) ? bridgedAtStart : seen).add(s.supply)
      // A supply found bridged is the rack's given state (allocate's steps open one side first); no new bridge.
      expect(rig.findBridges().filter((b) => b.atMs > 0 || !bridgedAtStart.has(b.supply))).toEqual([])
    },
  )
})
