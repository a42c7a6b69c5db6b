import { readFileSync } from 'node:fs'
import * as E from 'fp-ts/lib/Either.js'
import { decodeScenario } from '../../src/rack/decodeScenario.js'
import type { Scenario } from '../../src/rack/Scenario.js'

export const HOUR = 3_600_000

export const example = (name: string): Scenario => {
  const decoded = decodeScenario(
    JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')),
  )
  if (E.isLeft(decoded)) throw new Error(JSON.stringify(decoded.left.issues))
  return decoded.right
}
