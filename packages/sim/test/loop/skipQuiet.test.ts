import { describe, expect, test } from 'vitest'
import { runPolicy } from '../../src/policy/runPolicy.js'
import type { PolicyName, PolicyResult } from '../../src/policy/PolicyResult.js'
import { defaultScenario } from '../../src/rack/defaultScenario.js'
import type { Scenario } from '../../src/rack/Scenario.js'
import { example, HOUR } from '../support/examples.js'

// Short scenarios, so the run without skipping (every tick, every supply read each second) stays small.
const shortOneFailure = (): Scenario => ({
  ...example('one-failure'),
  durationMs: 0.2 * HOUR,
  scripted: [{ kind: 'supplyFail', atMs: 0.1 * HOUR, supply: 'psu1' }],
})
const shortFeedLoss = (): Scenario => ({
  ...example('feed-loss'),
  durationMs: 0.2 * HOUR,
  scripted: [{ kind: 'feedLoss', atMs: 0.05 * HOUR, feed: 'feedA', durationMs: 0.05 * HOUR }],
})
/** A supply wears out within the run (telemetry every 5 min), then a feed drops: alarms, lead time, moves. */
const shortDegradation = (): Scenario => {
  const s = example('predicted-failure')
  return {
    ...s,
    durationMs: 1.8 * HOUR,
    control: { ...s.control, profileStepMinutes: 5 },
    scripted: [
      { kind: 'supplyDegrade', atMs: 0.1 * HOUR, supply: 'psu1', failAfterMs: 1.2 * HOUR },
      { kind: 'feedLoss', atMs: 1.5 * HOUR, feed: 'feedB', durationMs: 0.1 * HOUR },
    ],
  }
}
/**
 * A supply failed for 20 minutes: its latched bits are cleared again every minute (CLEAR_FAULTS re-latches
 * the same bits and, with interrupts, re-asserts SMBALERT#). Skipping ends right before each retry visit,
 * mid-round, and resumes after it.
 */
const failedForMinutes = (): Scenario => ({
  ...defaultScenario(),
  randomFaults: false,
  durationMs: 0.4 * HOUR,
  scripted: [{ kind: 'supplyFail', atMs: 0.05 * HOUR, supply: 'psu3' }],
})
/** A fan wearing out (warning latched, the supply still in service and predicted) for half an hour. */
const fanWarning = (): Scenario => {
  const s = defaultScenario()
  return {
    ...s,
    durationMs: 0.5 * HOUR,
    control: { ...s.control, profileStepMinutes: 10 },
    commFaults: { nackMtbfHours: 0, nackMeanSeconds: 30 },
    cooling: { ...s.cooling, faultMtbfHours: 0 },
    feeds: s.feeds.map((f) => ({ ...f, outageMtbfHours: 0 })),
    supplies: s.supplies.map((x) => ({
      ...x,
      abruptMtbfHours: 0,
      capacitorAgeAtStart: 0.1,
      fanLifeHours: 120,
    })),
  }
}
/** The default rack with random faults of every kind compressed into 45 minutes (seeded). */
const shortRandom = (): Scenario => {
  const s = defaultScenario()
  return {
    ...s,
    durationMs: 0.75 * HOUR,
    control: { ...s.control, profileStepMinutes: 10, repairMeanHours: 0.5 },
    feeds: s.feeds.map((f) => ({ ...f, outageMtbfHours: 1.5, outageMeanMinutes: 3 })),
    supplies: s.supplies.map((x) => ({
      ...x,
      abruptMtbfHours: 5,
      capacitorAgeAtStart: 0.9,
      fanLifeHours: 300,
    })),
    commFaults: { nackMtbfHours: 4, nackMeanSeconds: 40 },
  }
}

/** Everything measured, except the work done (control cycles, I2C bus time): that is what skipping saves. */
const outcome = (r: PolicyResult) => ({ ...r, controllerCycles: 0, i2cBusMs: 0 })

describe('skipping quiet stretches does not change any outcome', () => {
  test.each([
    ['one failure', 3, 'reactive', 'interrupt', shortOneFailure],
    ['one failure', 3, 'predictive', 'polling', shortOneFailure],
    ['feed loss', 3, 'reactive', 'interrupt', shortFeedLoss],
    ['feed loss', 3, 'predictive', 'polling', shortFeedLoss],
    ['degradation', 1, 'predictive', 'interrupt', shortDegradation],
    ['random faults', 1, 'predictive', 'interrupt', shortRandom],
    ['random faults', 5, 'predictive', 'interrupt', shortRandom],
    ['random faults', 5, 'reactive', 'polling', shortRandom],
    ['failed 20 min', 1, 'predictive', 'interrupt', failedForMinutes],
    ['failed 20 min', 1, 'reactive', 'polling', failedForMinutes],
    ['fan warning', 4, 'predictive', 'interrupt', fanWarning],
    ['fan warning', 4, 'predictive', 'polling', fanWarning],
  ] as const)('%s, seed %i, %s, %s', async (_name, seed, policy: PolicyName, alerts, scenario) => {
    const skipping = await runPolicy(scenario(), seed, policy, { keepDetail: true, alerts, skipQuiet: true })
    const every = await runPolicy(scenario(), seed, policy, { keepDetail: true, alerts, skipQuiet: false })
    // Identical: outages, brownouts, alarms and lead times, switch order (in the notes), latencies, bus samples.
    expect(outcome(skipping)).toEqual(outcome(every))
    // The skipping run really skipped.
    expect(skipping.controllerCycles * 2).toBeLessThan(every.controllerCycles)
  })

  test('the predictive cases exercise what skipping must keep: alarms, lead times, switch moves', async () => {
    const degradation = await runPolicy(shortDegradation(), 1, 'predictive', { alerts: 'interrupt' })
    expect(degradation.prediction.alarms).toBeGreaterThan(0)
    expect(degradation.prediction.leadTimesMs.length).toBeGreaterThan(0)
    expect(degradation.switchOperations).toBeGreaterThan(0)
    const random = await runPolicy(shortRandom(), 5, 'predictive', { alerts: 'interrupt' })
    expect(random.prediction.leadTimesMs.length).toBeGreaterThan(0)
    expect(random.supplyFailures).toBeGreaterThan(0)
    const warned = await runPolicy(fanWarning(), 4, 'predictive', { alerts: 'interrupt' })
    expect(warned.prediction.alarms).toBeGreaterThan(0)
    const flapping = await runPolicy(shortRandom(), 1, 'predictive', { alerts: 'interrupt' })
    expect(flapping.feedLosses).toBeGreaterThan(0)
    expect(flapping.outages).toBeGreaterThan(0)
  })

  test('a failed supply costs a few real ticks a minute (its CLEAR_FAULTS retry), not whole rounds', async () => {
    // 21 minutes failed: one retry visit (and its SMBALERT#) a minute is real; whole-round skipping
    // took the 7 visits before each retry and a full round after it for real as well.
    for (const alerts of ['interrupt', 'polling'] as const) {
      const skipping = await runPolicy(failedForMinutes(), 1, 'reactive', { alerts, skipQuiet: true })
      const every = await runPolicy(failedForMinutes(), 1, 'reactive', { alerts, skipQuiet: false })
      expect(skipping.supplyFailures).toBe(1)
      expect(skipping.controllerCycles * 40).toBeLessThan(every.controllerCycles)
    }
  })
})
