import { describe, expect, it } from 'vitest'
import {
  classifyStatus,
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
