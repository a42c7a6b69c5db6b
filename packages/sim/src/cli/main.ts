#!/usr/bin/env node
/** The busbar CLI entry: `busbar sim ...` and `busbar plan FILE.json`. */
import { simCommand, simUsage } from './simCommand.js'
import { planCommand, planUsage } from './planCommand.js'
import type { CliIo } from './simCommand.js'

export type { CliIo } from './simCommand.js'

const usage = `usage: busbar <command> [options]

commands:
  sim               simulate the rack under each policy and compare (see busbar sim --help)
  plan FILE.json    decode a rack description and print the allocation plan with its reasons

${simUsage}

${planUsage}`

/** Runs the busbar CLI (`sim`, `plan`, `help`) on `argv` with injected output; resolves to the exit code. */
export const main = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const [command, ...rest] = argv
  switch (command) {
    case 'sim':
      return simCommand(rest, io)
    case 'plan':
      return planCommand(rest, io)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(usage)
      return command === undefined ? 2 : 0
    default:
      io.err(`busbar: unknown command "${command}"\n\n${usage}`)
      return 2
  }
}

const isEntry = (): boolean => {
  const entry = process.argv[1]
  if (entry === undefined) return false
  return /(?:cli\/main\.ts|cli\.js|cli\.cjs|busbar)$/.test(entry.replace(/\\/g, '/'))
}

if (isEntry()) {
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
  }).then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      process.stderr.write(`busbar: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
      process.exitCode = 1
    },
  )
}
