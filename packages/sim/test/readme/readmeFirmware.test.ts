// The README's "Wiring firmware: adapters + core" example, extracted from README.md and run as written
// against the mocks: if this test breaks, the README is wrong. The block is type-checked in-process as if it
// were a file of packages/sim (the one package that depends on all three), then executed with its
// `@busbar/*` imports pointed at the packages' sources (what the `@busbar/source` export condition does
// inside the workspace), plus one appended line exporting the rig and the controller state to check.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { ControllerState } from '@busbar/core'
import type { VirtualSwitchRig } from '@busbar/adapters-gpio/mock'

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const heading = '## Wiring firmware: adapters + core'

/** The first ```ts block after the section heading. */
const readmeBlock = (): string => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8')
  const section = readme.indexOf(`\n${heading}\n`)
  if (section < 0) throw new Error(`README.md has no "${heading}" section`)
  const block = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(section))
  if (block?.[1] === undefined) throw new Error(`README.md "${heading}" has no ts code block`)
  return block[1]
}

/** Diagnostics of the block compiled as packages/sim/test/readmeFirmware.ts with the workspace options. */
const typeErrors = (code: string): string[] => {
  const configFile = join(repo, 'tsconfig.json')
  const config = ts.readConfigFile(configFile, (p) => ts.sys.readFile(p))
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repo)
  const virtual = join(repo, 'packages/sim/test/readmeFirmware.ts')
  const host = ts.createCompilerHost({ ...options, noEmit: true })
  const { getSourceFile, fileExists, readFile } = host
  host.fileExists = (f) => f === virtual || fileExists(f)
  host.readFile = (f) => (f === virtual ? code : readFile(f))
  host.getSourceFile = (f, language, ...rest) =>
    f === virtual ? ts.createSourceFile(f, code, language, true) : getSourceFile(f, language, ...rest)
  const program = ts.createProgram([virtual], { ...options, noEmit: true }, host)
  const source = program.getSourceFile(virtual)!
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
    (d) =>
      `line ${source.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  )
}

/** `@busbar/<package><subpath>` -> the source file its `@busbar/source` export condition names. */
const sourceEntries = (): Map<string, string> => {
  const entries = new Map<string, string>()
  for (const dir of ['core', 'adapters-pmbus', 'adapters-gpio', 'sim']) {
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string
      exports: Record<string, { '@busbar/source'?: string } | string | null>
    }
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      const source = typeof target === 'object' && target !== null ? target['@busbar/source'] : undefined
      if (source !== undefined)
        entries.set(`${manifest.name}${subpath.slice(1)}`, join(repo, 'packages', dir, source))
    }
  }
  return entries
}

const pointAtSources = (code: string): string => {
  const entries = sourceEntries()
  return code.replace(/from '(@busbar\/[^']+)'/g, (_, specifier: string) => {
    const file = entries.get(specifier)
    if (file === undefined) throw new Error(`README imports ${specifier}, which no package exports`)
    return `from '${pathToFileURL(file).href}'`
  })
}

const code = readmeBlock()
const work = mkdtempSync(join(tmpdir(), 'busbar-readme-firmware-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('README: wiring firmware (adapters + core)', () => {
  it('type-checks as written', () => {
    expect(typeErrors(code)).toEqual([])
  })

  it('runs against the mocks: the failed psu1 is opened and the spare psu3 closed onto its bus', async () => {
    const file = join(work, 'readmeFirmware.ts')
    writeFileSync(file, `${pointAtSources(code)}\nexport { controller, rig }\n`)
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    let example: { controller: ControllerState; rig: VirtualSwitchRig }
    let printed: string[]
    try {
      example = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as typeof example
    } finally {
      printed = log.mock.calls.map((args) => args.join(' '))
      log.mockRestore()
    }
    expect(printed).toContainEqual(expect.stringMatching(/^alarm: supplyFailed psu1 /))
    expect(printed.at(-1)).toBe('closed: psu2->B, psu3->A')

    const physical = example.rig.physicalState()
    const closed = (supply: string, bus: string) =>
      physical.find((s) => s.supply === supply && s.bus === bus)?.closed
    expect(closed('psu1', 'A')).toBe(false)
    expect(closed('psu3', 'A')).toBe(true)
    expect(closed('psu2', 'B')).toBe(true)
    expect(example.rig.findBridges()).toEqual([])
    expect(example.controller.health['psu1']?.state).toBe('failed')
    expect(example.controller.applying).toBeUndefined()
  })
})
