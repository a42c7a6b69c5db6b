import { describe, expect, it } from 'vitest'
import {
  classifyStatus,
  isFlagSet,
  statusSeverityTable,
  type StatusSeverity,
} from '../../src/controller/statusSeverity.js'
import { statusWithFlags } from '../../src/testing/eventArbitraries.js'
import { noStatusFlags } from '../../src/telemetry/telemetry.js'

// The documented table, restated independently: a change to statusSeverityTable must change this too.
const expected: Record<string, StatusSeverity> = {
  'word.busy': 'info',
  'word.off': 'powerNotGood',
  'word.voutOv': 'failed',
  'word.ioutOc': 'failed',
  'word.vinUv': 'inputLoss',
  'word.noneOfTheAbove': 'info',
  'word.powerGoodNegated': 'powerNotGood',
  'word.unknown': 'warning',
  'vout.ovFault': 'failed',
  'vout.ovWarning': 'warning',
  'vout.uvWarning': 'warning',
  'vout.uvFault': 'failed',
  'vout.maxMinWarning': 'warning',
  'vout.tonMaxFault': 'failed',
  'vout.toffMaxWarning': 'warning',
  'vout.trackingError': 'warning',
  'iout.ocFault': 'failed',
  'iout.ocLvFault': 'failed',
  'iout.ocWarning': 'warning',
  'iout.ucFault': 'failed',
  'iout.currentShareFault': 'warning',
  'iout.powerLimiting': 'warning',
  'iout.poutOpFault': 'failed',
  'iout.poutOpWarning': 'warning',
  'input.vinOvFault': 'inputLoss',
  'input.vinOvWarning': 'warning',
  'input.vinUvWarning': 'warning',
  'input.vinUvFault': 'inputLoss',
  'input.unitOffLowInput': 'inputLoss',
  'input.iinOcFault': 'failed',
  'input.iinOcWarning': 'warning',
  'input.pinOpWarning': 'warning',
  'temperature.otFault': 'failed',
  'temperature.otWarning': 'warning',
  'temperature.utWarning': 'warning',
  'temperature.utFault': 'failed',
  'cml.invalidCommand': 'info',
  'cml.invalidData': 'info',
  'cml.pecFailed': 'warning',
  'cml.memoryFault': 'failed',
  'cml.processorFault': 'failed',
  'cml.otherCommFault': 'warning',
  'cml.otherMemoryLogicFault': 'failed',
  'fans12.fan1Fault': 'failed',
  'fans12.fan2Fault': 'failed',
  'fans12.fan1Warning': 'warning',
  'fans12.fan2Warning': 'warning',
  'fans12.fan1SpeedOverride': 'info',
  'fans12.fan2SpeedOverride': 'info',
  'fans12.airflowFault': 'failed',
  'fans12.airflowWarning': 'warning',
  otherRaw: 'warning',
  mfrRaw: 'warning',
}
const summaries: Record<string, string> = {
  'word.temperature': 'temperature',
  'word.cml': 'cml',
  'word.vout': 'vout',
  'word.ioutPout': 'iout',
  'word.input': 'input',
  'word.mfrSpecific': 'mfrRaw',
  'word.fans': 'fans12',
  'word.other': 'otherRaw',
}

describe('statusSeverityTable', () => {
  it('covers every flag of every status register exactly once', () => {
    const flags = statusSeverityTable.map((r) => r.flag)
    expect(new Set(flags).size).toBe(flags.length)
    expect(flags.sort()).toEqual([...Object.keys(expected), ...Object.keys(summaries)].sort())
    expect(Object.keys(noStatusFlags).length).toBe(16)
    for (const name of Object.keys(noStatusFlags)) expect(flags).toContain(`word.${name}`)
  })

  describe.each(Object.entries(expected))('%s', (flag, severity) => {
    it(`is classified ${severity}`, () => {
      const c = classifyStatus(statusWithFlags([flag]))
      const found = (['failed', 'powerNotGood', 'inputLoss', 'warning', 'info'] as const).filter((s) =>
        c[s].includes(flag),
      )
      expect(found).toEqual([severity])
      expect(c.complete).toBe(true)
      expect(c.anySet).toBe(true)
    })
  })

  describe.each(Object.entries(summaries))('summary bit %s', (flag, register) => {
    it('is a warning and makes the snapshot incomplete when its detail register was not read', () => {
      const name = flag.slice('word.'.length)
      const c = classifyStatus({ word: { ...noStatusFlags, [name]: true } })
      expect(c.warning).toEqual([flag])
      expect(c.complete).toBe(false)
    })
    it('defers to the detail register when it was read', () => {
      const name = flag.slice('word.'.length)
      const detail = register === 'otherRaw' || register === 'mfrRaw' ? 0 : {}
      const c = classifyStatus({ word: { ...noStatusFlags, [name]: true }, [register]: detail })
      expect(c.warning).toEqual([])
      expect(c.complete).toBe(true)
    })
  })

  it('classifies the usual input-loss pattern 0x2848 (INPUT, POWER_GOOD#, OFF, VIN_UV)', () => {
    const c = classifyStatus(
      statusWithFlags([
        'word.powerGoodNegated',
        'word.off',
        'word.vinUv',
        'input.vinUvFault',
        'input.unitOffLowInput',
      ]),
    )
    expect(c.inputLoss).toEqual(['word.vinUv', 'input.vinUvFault', 'input.unitOffLowInput'])
    expect(c.powerNotGood).toEqual(['word.off', 'word.powerGoodNegated'])
    expect(c.failed).toEqual([])
  })

  it('a clear snapshot is complete with nothing set', () => {
    const c = classifyStatus({ word: noStatusFlags })
    expect(c).toEqual({
      failed: [],
      powerNotGood: [],
      inputLoss: [],
      warning: [],
      info: [],
      complete: true,
      anySet: false,
    })
  })
})

describe('classifyStatus with a caller table', () => {
  it('applies the given table, raw-register rows included, instead of the default', () => {
    // A vendor whose STATUS_OTHER byte means a dead supply and whose BUSY means trouble.
    const vendorTable = [
      { flag: 'word.busy', severity: 'warning' as const },
      { flag: 'word.other', severity: 'warning' as const, summaryOf: 'otherRaw' as const },
      { flag: 'otherRaw', severity: 'failed' as const },
      { flag: 'mfrRaw', severity: 'info' as const },
    ]
    const status = { word: { ...noStatusFlags, busy: true, other: true }, otherRaw: 0x20, mfrRaw: 0x01 }
    expect(classifyStatus(status, vendorTable)).toEqual({
      failed: ['otherRaw'],
      powerNotGood: [],
      inputLoss: [],
      warning: ['word.busy'],
      info: ['mfrRaw'],
      complete: true,
      anySet: true,
    })
    // The default table on the same snapshot: BUSY is info, the raw bytes are warnings.
    const byDefault = classifyStatus(status)
    expect(byDefault.info).toEqual(['word.busy'])
    expect(byDefault.warning).toEqual(['otherRaw', 'mfrRaw'])
    expect(byDefault.failed).toEqual([])
  })

  it('a raw register read as 0 is not set; a flag outside the table is ignored', () => {
    const c = classifyStatus({ word: noStatusFlags, otherRaw: 0, mfrRaw: 0 }, [
      { flag: 'otherRaw', severity: 'failed' },
      { flag: 'mfrRaw', severity: 'failed' },
    ])
    expect(c.failed).toEqual([])
    expect(c.anySet).toBe(false)
  })
})

describe('isFlagSet', () => {
  const status = statusWithFlags(['word.busy', 'temperature.otWarning', 'otherRaw'])

  it('reads STATUS_WORD flags and detail-register flags by `register.flag`', () => {
    expect(isFlagSet(status, 'word.busy')).toBe(true)
    expect(isFlagSet(status, 'word.off')).toBe(false)
    expect(isFlagSet(status, 'word.temperature')).toBe(true) // the summary bit statusWithFlags sets
    expect(isFlagSet(status, 'temperature.otWarning')).toBe(true)
    expect(isFlagSet(status, 'temperature.otFault')).toBe(false)
  })

  it('a detail register that was not read has no flag set', () => {
    expect(status.vout).toBeUndefined()
    expect(isFlagSet(status, 'vout.ovFault')).toBe(false)
  })

  it('raw registers are set when non-zero, not set when 0 or not read', () => {
    expect(isFlagSet(status, 'otherRaw')).toBe(true)
    expect(isFlagSet(status, 'mfrRaw')).toBe(false)
    expect(isFlagSet({ word: noStatusFlags, mfrRaw: 0x80 }, 'mfrRaw')).toBe(true)
    expect(isFlagSet({ word: noStatusFlags, mfrRaw: 0x80, otherRaw: 0 }, 'otherRaw')).toBe(false)
  })

  it('unknown flags and non-boolean values are not set', () => {
    expect(isFlagSet(status, 'word.nonsense')).toBe(false)
    expect(isFlagSet(status, 'nowhere.busy')).toBe(false)
    expect(isFlagSet(status, 'busy')).toBe(false)
    const odd = { word: { ...noStatusFlags, busy: 1 } } as unknown as typeof status
    expect(isFlagSet(odd, 'word.busy')).toBe(false)
  })
})
