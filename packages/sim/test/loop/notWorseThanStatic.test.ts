import { describe, expect, test } from 'vitest'
import { runPolicy } from '../../src/policy/runPolicy.js'
import { defaultScenario } from '../../src/rack/defaultScenario.js'
import type { Scenario } from '../../src/rack/Scenario.js'

// Regression for the "controller worse than fixed wiring" finding: on supply failures, comm faults and
// switch faults (no AC feed outages: the allocator knows nothing of feeds, see the sim report), the
// reactive controller must never do worse than static wiring.
const failuresOnly = (days: number): Scenario => {
  const s = defaultScenario()
  return {
    ...s,
    durationMs: days * 86_400_000,
    feeds: s.feeds.map((f) => ({ ...f, outageMtbfHours: 0 })),
    supplies: s.supplies.map((x) => ({ ...x, abruptMtbfHours: 1500 })),
    commFaults: { nackMtbfHours: 200, nackMeanSeconds: 30 },
  }
}

describe('reactive control is not worse than static wiring (no feed outages)', () => {
  test.each([1, 2])(
    'seed %i, 30 days',
    async (seed) => {
      const scenario = failuresOnly(30)
      const stat = await runPolicy(scenario, seed, 'static')
      const reac = await runPolicy(scenario, seed, 'reactive')
      expect(stat.supplyFailures).toBeGreaterThan(0)
      expect(reac.outages).toBeLessThanOrEqual(stat.outages)
      expect(reac.downtimeMs).toBeLessThanOrEqual(stat.downtimeMs)
      const hours = (r: typeof stat) => Object.values(r.timeWithoutNPlusKMs).reduce((a, x) => a + x, 0)
      expect(hours(reac)).toBeLessThanOrEqual(hours(stat))
      expect(reac.safetyViolations).toBe(0)
    },
    300_000,
  ) // 30 days of the exact loop (every poll the predictor or a deglitch count needs): ~1 min
})
