import { describe, expect, test } from 'vitest'
import { runPolicy } from '../../src/policy/runPolicy.js'
import type { Scenario } from '../../src/rack/Scenario.js'
import { HOUR, scriptedDefaultRack } from '../support/examples.js'

// The controller knows each supply's AC feed (the simulator passes it), so allocate keeps each bus fed
// from both feeds and the loss of one feed no longer takes a bus down. Regression: before feeds were
// passed, the default rack lost 4 servers and browned out 3 times on this one feed loss (the controller
// had gathered one feed's supplies on a bus); static wiring, feed-diverse by construction, loses none.
const oneFeedLoss = (feed: string): Scenario =>
  scriptedDefaultRack(3 * HOUR, [{ kind: 'feedLoss', atMs: 1.5 * HOUR, feed, durationMs: 10 * 60_000 }])

describe('feed-aware control is not worse than static wiring on a feed loss', () => {
  test.each([
    ['feedA', 1, 'reactive'],
    ['feedB', 2, 'reactive'],
    ['feedA', 1, 'predictive'],
  ] as const)('%s lost, seed %i, %s', async (feed, seed, policy) => {
    const scenario = oneFeedLoss(feed)
    const stat = await runPolicy(scenario, seed, 'static')
    const ctrl = await runPolicy(scenario, seed, policy)
    expect(stat.feedLosses).toBe(1)
    expect(ctrl.feedLosses).toBe(1)
    expect(ctrl.outages).toBeLessThanOrEqual(stat.outages)
    expect(ctrl.downtimeMs).toBeLessThanOrEqual(stat.downtimeMs)
    expect(ctrl.busDarkEpisodes).toBeLessThanOrEqual(stat.busDarkEpisodes)
    expect(ctrl.safetyViolations).toBe(0)
  })
})
