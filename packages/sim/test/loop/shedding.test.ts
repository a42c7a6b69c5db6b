import { describe, expect, test } from 'vitest'
import { runPolicy } from '../../src/policy/runPolicy.js'
import type { Scenario } from '../../src/rack/Scenario.js'
import type { PolicyResult } from '../../src/policy/PolicyResult.js'
import { HOUR, scriptedDefaultRack } from '../support/examples.js'

const LOST_MS = 1.5 * HOUR
const RESTORED_MS = LOST_MS + 10 * 60_000

// The default rack with both 2 kW + 3 kW feed-B supplies psu2 and psu3 dead from 0.5 h, then feed A lost
// for 10 minutes at 1.5 h: 5 kW of feed-B supplies are left for about 5.2 kW of night load, so both buses
// collapse at once. Only shedding brings servers back before the feed does.
const shortOfCapacity = (): Scenario => ({
  ...scriptedDefaultRack(3 * HOUR, [
    { kind: 'supplyFail', atMs: 0.5 * HOUR, supply: 'psu2' },
    { kind: 'supplyFail', atMs: 0.5 * HOUR, supply: 'psu3' },
    { kind: 'feedLoss', atMs: LOST_MS, feed: 'feedA', durationMs: RESTORED_MS - LOST_MS },
  ]),
  switchFaults: { stuckOpenPerOp: 0, weldedPerOp: 0, slowPerOp: 0 },
  commFaults: { nackMtbfHours: 0, nackMeanSeconds: 20 },
})

const busNotes = (r: PolicyResult, tag: 'BusDark' | 'BusLive', from: number, to: number) =>
  (r.notes ?? []).filter((n) => n._tag === tag && n.atMs >= from && n.atMs < to)

describe('capacity short after a feed loss: the controller sheds, and restores only after switching', () => {
  test('a bus comes back before the feed does, and downtime is below fixed wiring', async () => {
    const stat = await runPolicy(shortOfCapacity(), 1, 'static')
    const ctrl = await runPolicy(shortOfCapacity(), 1, 'reactive', { keepDetail: true })
    // Servers asked to stay off draw nothing: before, they still counted as demand and kept the bus dark.
    expect(busNotes(ctrl, 'BusLive', LOST_MS, RESTORED_MS).length).toBeGreaterThan(0)
    expect(ctrl.downtimeMs).toBeLessThan(stat.downtimeMs * 0.75)
    expect(ctrl.safetyViolations).toBe(0)
  })

  test('no bus goes dark when the feed returns and shed servers are restored', async () => {
    const ctrl = await runPolicy(shortOfCapacity(), 1, 'reactive', { keepDetail: true })
    // Restoring a server before the switches that add capacity for it darkened a bus for a few ms.
    expect(busNotes(ctrl, 'BusDark', RESTORED_MS, 3 * HOUR)).toEqual([])
  })
})
