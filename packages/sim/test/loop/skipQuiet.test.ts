import { describe, expect, test } from 'vitest'
import type { ControllerState } from '@busbar/core'
import { createRng } from '../../src/engine/createRng.js'
import { runClosedLoopProbed } from '../../src/loop/runClosedLoop.js'
import { createRackWorld } from '../../src/rack/createRackWorld.js'
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

/** psu3 failed for an hour and a half: ninety CLEAR_FAULTS retries, taken inside skips. */
const failedForHours = (): Scenario => ({ ...failedForMinutes(), durationMs: 1.5 * HOUR })
/** A fan warning latched on in-service supplies for an hour (their retries feed the predictor too). */
const fanWarningHour = (): Scenario => ({ ...fanWarning(), durationMs: 1 * HOUR })

/** The controller's state before each real tick of a run, and at its end (under +Infinity). */
const statesBeforeTicks = async (
  scenario: Scenario,
  seed: number,
  policy: 'reactive' | 'predictive',
  alerts: 'interrupt' | 'polling',
  skipQuiet: boolean,
): Promise<Map<number, ControllerState>> => {
  const states = new Map<number, ControllerState>()
  const world = createRackWorld(scenario, createRng(seed))
  await runClosedLoopProbed(
    world,
    { predictive: policy === 'predictive', alerts, skipQuiet },
    {
      beforeTick: (atMs, state) => states.set(atMs, state),
      atEnd: (state) => states.set(Number.POSITIVE_INFINITY, state),
    },
  )
  return states
}

/**
 * What a skip must leave exactly as the visits it stands for: everything but the clock and the
 * predictors' floats (health streaks, CLEAR_FAULTS bookkeeping, the poll schedule, at-risk flags, alarms).
 */
const exactPart = (s: ControllerState) => ({
  ...s,
  nowMs: undefined,
  predictors: undefined,
  risk: Object.fromEntries(Object.entries(s.risk).map(([id, r]) => [id, r.atRisk])),
})
/**
 * The predictors' statistics (counts exact, means and variances to rounding: closed forms) and the risk
 * they give. Trend statistics are left out: they carry sample times, which a skip takes on the tick grid.
 */
const statistics = (s: ControllerState) =>
  Object.values(s.predictors).flatMap((p) => [
    p.fullSamples,
    ...Object.values(p.signals).flatMap((t) => [t.stats.n, t.stats.mean, t.stats.variance, t.trend.n]),
    s.risk[p.supply]?.failureRisk ?? 0,
  ])
const closeTo = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * Feed B comes back 0.2 ms after a tick, in the middle of a quiet stretch (its supplies failed, a minute
 * after their last CLEAR_FAULTS retry). Without skipping, that tick's poll takes bus time and reads part of
 * its registers after the restore (offsets 1 and 5 visit supplies on feed B then): a skip must not take
 * that tick.
 */
const feedBackRightAfterTick = (offset: number) => (): Scenario => ({
  ...defaultScenario(),
  randomFaults: false,
  durationMs: 0.3 * HOUR,
  scripted: [
    {
      kind: 'feedLoss',
      atMs: 0.05 * HOUR,
      feed: 'feedB',
      durationMs: 0.1 * HOUR + 30_000 + offset * 125 + 0.2,
    },
  ],
})

describe('a skip leaves the controller where the visits it skipped would have', () => {
  test.each([
    [1, 'predictive', 'polling'],
    [5, 'reactive', 'interrupt'],
  ] as const)(
    'a feed back 0.2 ms after a tick (offset %i), %s, %s: that tick is real',
    async (offset, policy, alerts) => {
      const scenario = feedBackRightAfterTick(offset)
      const skipping = await runPolicy(scenario(), 4, policy, { keepDetail: true, alerts, skipQuiet: true })
      const every = await runPolicy(scenario(), 4, policy, { keepDetail: true, alerts, skipQuiet: false })
      expect(outcome(skipping)).toEqual(outcome(every))
      expect(skipping.controllerCycles * 10).toBeLessThan(every.controllerCycles)
    },
  )

  test.each([
    ['failed 1.5 h', 1, 'predictive', 'interrupt', failedForHours],
    ['failed 1.5 h', 1, 'reactive', 'polling', failedForHours],
    ['fan warning 1 h', 4, 'predictive', 'interrupt', fanWarningHour],
    ['fan warning 1 h', 4, 'predictive', 'polling', fanWarningHour],
    ['degradation', 1, 'predictive', 'interrupt', shortDegradation],
    ['random faults', 5, 'predictive', 'interrupt', shortRandom],
    ['random faults', 5, 'reactive', 'polling', shortRandom],
  ] as const)('%s, seed %i, %s, %s', async (_name, seed, policy, alerts, scenario) => {
    const every = await statesBeforeTicks(scenario(), seed, policy, alerts, false)
    const skipping = await statesBeforeTicks(scenario(), seed, policy, alerts, true)
    expect(skipping.size * 10).toBeLessThan(every.size)
    for (const [atMs, state] of skipping) {
      const reference = every.get(atMs)
      expect(reference, `a real tick at ${atMs} ms`).toBeDefined()
      expect(exactPart(state), `state before the tick at ${atMs} ms`).toEqual(exactPart(reference!))
      const [got, want] = [statistics(state), statistics(reference!)]
      const off = got.findIndex((x, i) => !closeTo(x, want[i]!))
      expect(off, `predictor statistics before the tick at ${atMs} ms`).toBe(-1)
    }
  })

  test('CLEAR_FAULTS retries of a failed supply are taken inside skips: about one real tick an hour', async () => {
    for (const alerts of ['interrupt', 'polling'] as const) {
      const skipping = await runPolicy(failedForHours(), 1, 'reactive', { alerts, skipQuiet: true })
      expect(skipping.supplyFailures).toBe(1)
      // 1.5 h failed: before, each of its ninety retries (and its SMBALERT#) was a real control cycle.
      expect(skipping.controllerCycles).toBeLessThan(90)
    }
  })
})
