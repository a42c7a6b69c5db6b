import { describe, expect, it } from 'vitest'
import { defaultScenario } from '../../src/rack/defaultScenario.js'
import type { Scenario } from '../../src/rack/Scenario.js'
import type { WorldNote } from '../../src/rack/createRackWorld.js'
import { runPolicy } from '../../src/policy/runPolicy.js'

/** Three days of the default rack with frequent feed outages, abrupt failures and switch faults. */
const stormy: Scenario = (() => {
  const s = defaultScenario()
  return {
    ...s,
    durationMs: 3 * 86_400_000,
    supplies: s.supplies.map((x) => ({ ...x, abruptMtbfHours: 60 })),
    feeds: s.feeds.map((f) => ({ ...f, outageMtbfHours: 24, outageMeanMinutes: 20 })),
    switchFaults: { stuckOpenPerOp: 0.1, weldedPerOp: 0.1, slowPerOp: 0.05 },
    commFaults: { nackMtbfHours: 0, nackMeanSeconds: 20 },
    control: { ...s.control, repairMeanHours: 6 },
  }
})()

const feedEvents = (notes: readonly WorldNote[]): string[] =>
  notes.flatMap((n) =>
    n._tag === 'FeedLost' || n._tag === 'FeedRestored' ? [`${n._tag} ${n.feed} ${n.atMs}`] : [],
  )

/** Each supply's first abrupt failure (later ones follow replacements, whose times depend on the policy). */
const firstAbrupt = (notes: readonly WorldNote[]): Map<string, number> => {
  const first = new Map<string, number>()
  for (const n of notes)
    if (n._tag === 'SupplyFailed' && n.cause === 'abrupt' && !first.has(n.supply)) first.set(n.supply, n.atMs)
  return first
}

describe('policies run with the same seed meet the same faults (common random numbers)', () => {
  it('feed outages and first abrupt failures do not depend on what the controller did', async () => {
    const fixed = await runPolicy(stormy, 5, 'static', { keepDetail: true })
    const switched = await runPolicy(stormy, 5, 'reactive', { keepDetail: true })
    const fixedNotes = fixed.notes ?? []
    const switchedNotes = switched.notes ?? []
    // The point of the test: the controller's switches fail and get repaired (static never switches),
    // before some feed outage; with one shared fault stream those repairs reshuffled later faults.
    const firstStuck = switchedNotes.find((n) => n._tag === 'SwitchStuck')
    expect(firstStuck).toBeDefined()
    const lastFeedEvent = switchedNotes.filter((n) => n._tag === 'FeedLost').at(-1)
    expect(lastFeedEvent!.atMs).toBeGreaterThan(firstStuck!.atMs)

    expect(feedEvents(switchedNotes)).toEqual(feedEvents(fixedNotes))
    expect(feedEvents(fixedNotes).length).toBeGreaterThan(2)
    const a = firstAbrupt(fixedNotes)
    const b = firstAbrupt(switchedNotes)
    expect(a.size).toBeGreaterThan(0)
    for (const [supply, atMs] of a) if (b.has(supply)) expect(b.get(supply)).toBe(atMs)
  }, 300_000)
})
