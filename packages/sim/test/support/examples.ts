import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { decodeScenario } from '../../src/rack/decodeScenario.js'
import { defaultScenario } from '../../src/rack/defaultScenario.js'
import type { Scenario } from '../../src/rack/Scenario.js'

export const HOUR = 3_600_000

export const example = (name: string): Scenario => {
  const decoded = decodeScenario(
    JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')),
  )
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left.issues))
  return decoded.right
}

/**
 * The default rack for `durationMs` with no random feed outages or abrupt supply failures: only the
 * `scripted` events (and the remaining random processes: wear, switch and comm faults) happen.
 */
export const scriptedDefaultRack = (durationMs: number, scripted: Scenario['scripted']): Scenario => {
  const s = defaultScenario()
  return {
    ...s,
    durationMs,
    feeds: s.feeds.map((f) => ({ ...f, outageMtbfHours: 0 })),
    supplies: s.supplies.map((x) => ({ ...x, abruptMtbfHours: 0 })),
    scripted,
  }
}
