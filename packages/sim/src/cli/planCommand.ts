/**
 * `busbar plan FILE.json`: decode a rack description with core's decodeRackInput, run allocate and
 * print the plan and its reasons readably (or as JSON with --json).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import { allocate, decodeRackInput, formatDecodeError } from '@busbar/core'
import { formatPlan } from './formatPlan.js'
import type { CliIo } from './simCommand.js'

export const planUsage = `usage: busbar plan FILE.json [--json]
  FILE.json         a rack description in the shape of the allocation spec (supplies, buses, loads, switches, policy)
  --json            print the plan as JSON`

export const planCommand = async (args: readonly string[], io: CliIo): Promise<number> => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    })
  } catch (e) {
    io.err(`busbar plan: ${e instanceof Error ? e.message : String(e)}\n${planUsage}`)
    return 2
  }
  if (parsed.values.help === true) {
    io.out(planUsage)
    return 0
  }
  const file = parsed.positionals[0]
  if (file === undefined || parsed.positionals.length > 1) {
    io.err(`busbar plan: expected exactly one FILE.json\n${planUsage}`)
    return 2
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    io.err(`busbar plan: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`)
    return 2
  }
  const decoded = decodeRackInput(json)
  if (E.isLeft(decoded)) {
    io.err(`busbar plan: ${file}: ${formatDecodeError(decoded.left)}`)
    return 2
  }
  const plan = allocate(decoded.right)
  io.out(parsed.values.json === true ? JSON.stringify(plan, null, 2) : formatPlan(plan))
  return 0
}
