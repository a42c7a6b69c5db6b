import { describe, expect, test } from 'vitest'
import { fc, test as propTest } from '@fast-check/vitest'
import { supplyTemperatureC, supplyView, type SupplyCondition } from '../../src/faults/supplyTelemetry.js'

// Claims 11 and 12: supplies cooled by a consolidated rack system, or by their own built-in fans.
const base: SupplyCondition = {
  health: 'ok',
  inputOk: true,
  capacityW: 2000,
  efficiency: 0.94,
  outputW: 1200,
  inletC: 25,
  cooling: 'builtIn',
  capacitorSeverity: 0,
  fanSeverity: 0,
}

describe('supply thermal model by cooling kind', () => {
  test('built-in cooling: the supply reports its own fan, commanded harder under load', () => {
    const light = supplyView({ ...base, outputW: 200 }).readings
    const heavy = supplyView({ ...base, outputW: 1900 }).readings
    expect(light.fanRpm).toBeGreaterThan(0)
    expect(heavy.fanCommandPct!).toBeGreaterThan(light.fanCommandPct!)
    expect(heavy.fanRpm!).toBeGreaterThan(light.fanRpm!)
  })

  test('consolidated cooling: no fan of its own to report, temperature set by the shared inlet air', () => {
    const view = supplyView({ ...base, cooling: 'consolidated' })
    expect(view.readings.fanRpm).toBeUndefined()
    expect(view.readings.fanCommandPct).toBeUndefined()
    expect(view.status.fan1Warning).toBe(false)
    // A fault of the shared cooling raises every supply's inlet: its temperature rises one for one.
    const hot = supplyView({ ...base, cooling: 'consolidated', inletC: 25 + 15 })
    expect(hot.readings.temperatureC - view.readings.temperatureC).toBeCloseTo(15, 9)
  })

  test('built-in fan wear shows before failure: slower fan against its command, hotter supply, fan warning', () => {
    const fresh = supplyView(base)
    const worn = supplyView({ ...base, fanSeverity: 0.8 })
    expect(worn.readings.temperatureC).toBeGreaterThan(fresh.readings.temperatureC)
    expect(worn.readings.fanRpm! / worn.readings.fanCommandPct!).toBeLessThan(
      fresh.readings.fanRpm! / fresh.readings.fanCommandPct!,
    )
    expect(fresh.status.fan1Warning).toBe(false)
    expect(worn.status.fan1Warning).toBe(true)
  })

  test('fan wear does not heat a supply on consolidated cooling (it has no fan to wear)', () => {
    expect(supplyTemperatureC({ ...base, cooling: 'consolidated', fanSeverity: 0.9 })).toBe(
      supplyTemperatureC({ ...base, cooling: 'consolidated', fanSeverity: 0 }),
    )
  })

  propTest.prop([
    fc.constantFrom<'builtIn' | 'consolidated'>('builtIn', 'consolidated'),
    fc.double({ min: 0, max: 2000, noNaN: true }),
    fc.double({ min: 0, max: 2000, noNaN: true }),
  ])('with either cooling, more output never runs cooler', (cooling, a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a]
    expect(supplyTemperatureC({ ...base, cooling, outputW: hi })).toBeGreaterThanOrEqual(
      supplyTemperatureC({ ...base, cooling, outputW: lo }),
    )
  })
})
