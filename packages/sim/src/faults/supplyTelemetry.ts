/**
 * Pure. What a supply's sensors and status registers show, from its physical condition: thermal
 * model (built-in or consolidated cooling), fan wear, capacitor aging. Degradation shows here
 * (temperature, fan speed, ripple, drift, warning bits) before the supply fails.
 */
import type { CoolingKind } from '../rack/Scenario.js'

export type SupplyHealth = 'ok' | 'failed'

export interface SupplyCondition {
  readonly health: SupplyHealth
  /** AC input present (its feed is up). */
  readonly inputOk: boolean
  readonly capacityW: number
  readonly efficiency: number
  /** Watts it delivers now. */
  readonly outputW: number
  /** Inlet air temperature (ambient, plus a consolidated-cooling fault). */
  readonly inletC: number
  readonly cooling: CoolingKind
  /** Capacitor wear-out severity in [0, 1]: 0 invisible, 1 at failure. */
  readonly capacitorSeverity: number
  /** Fan wear-out severity in [0, 1] (built-in cooling only). */
  readonly fanSeverity: number
}

/** Nominal output voltage of every supply (claim 8: all supplies share one output voltage). */
export const nominalVoutV = 12
export const maxFanRpm = 18000

export interface SupplyLiveStatus {
  /** Live (unlatched) conditions; the virtual device latches them until CLEAR_FAULTS. */
  readonly off: boolean
  readonly powerGoodNegated: boolean
  readonly vinUvFault: boolean
  readonly unitOffLowInput: boolean
  readonly voutUvWarning: boolean
  readonly voutUvFault: boolean
  readonly otWarning: boolean
  readonly otFault: boolean
  readonly fan1Warning: boolean
  readonly fan1Fault: boolean
  readonly ioutOcWarning: boolean
}

export interface SupplyMeasurements {
  readonly vinV: number
  readonly iinA: number
  readonly voutV: number
  readonly ioutA: number
  readonly poutW: number
  readonly pinW: number
  readonly temperatureC: number
  /** Absent with consolidated cooling: the supply has no fan of its own (claim 11). */
  readonly fanRpm?: number
  readonly fanCommandPct?: number
  readonly voutRippleV: number
}

export interface SupplyView {
  readonly status: SupplyLiveStatus
  readonly readings: SupplyMeasurements
}

export const otWarningC = 75
export const otFaultC = 95

/** Thermal model: rise over inlet grows with losses and with weaker airflow. */
export const supplyTemperatureC = (c: SupplyCondition): number => {
  if (c.health === 'failed' || !c.inputOk) return c.inletC
  const lossW = c.outputW * (1 / c.efficiency - 1)
  const lossShare = lossW / (c.capacityW * (1 / c.efficiency - 1))
  const airflow = c.cooling === 'builtIn' ? 1 - 0.7 * c.fanSeverity : 1
  // ESR heating of aged capacitors adds a few degrees before they fail.
  return c.inletC + (8 + 30 * lossShare) / airflow + 10 * c.capacitorSeverity * c.capacitorSeverity
}

/** Capacitor aging rate in life-fractions per hour at temperature T: life halves per +10 C over 40 C. */
export const capacitorAgingPerHour = (lifeAt40Hours: number, temperatureC: number): number =>
  lifeAt40Hours <= 0 ? 0 : 1 / (lifeAt40Hours * Math.pow(2, (40 - temperatureC) / 10))

export const supplyView = (c: SupplyCondition): SupplyView => {
  const delivering = c.health === 'ok' && c.inputOk
  const temperatureC = supplyTemperatureC(c)
  const loadShare = delivering ? c.outputW / c.capacityW : 0
  const fanCommandPct =
    c.cooling === 'builtIn'
      ? Math.min(100, 30 + 70 * loadShare + Math.max(0, temperatureC - 50) * 2)
      : undefined
  const fanRpm =
    fanCommandPct === undefined
      ? undefined
      : c.health === 'failed'
        ? 0
        : Math.round((maxFanRpm * fanCommandPct * (1 - 0.6 * c.fanSeverity)) / 100)
  const cs2 = c.capacitorSeverity * c.capacitorSeverity
  const voutV = delivering ? nominalVoutV - 0.6 * cs2 : 0
  const voutRippleV = delivering ? 0.04 + 0.36 * cs2 : 0
  const poutW = delivering ? c.outputW : 0
  const pinW = delivering ? poutW / c.efficiency : 0
  const vinV = c.inputOk ? 230 : 0
  const status: SupplyLiveStatus = {
    off: !delivering,
    powerGoodNegated: !delivering,
    vinUvFault: !c.inputOk,
    unitOffLowInput: !c.inputOk,
    voutUvWarning: delivering && voutV < nominalVoutV - 0.45,
    voutUvFault: c.health === 'failed' && c.inputOk,
    otWarning: temperatureC >= otWarningC,
    otFault: temperatureC >= otFaultC,
    fan1Warning:
      fanCommandPct !== undefined &&
      fanRpm !== undefined &&
      delivering &&
      fanRpm < (0.75 * (maxFanRpm * fanCommandPct)) / 100,
    fan1Fault: fanRpm === 0 && c.cooling === 'builtIn' && c.health === 'failed' && c.fanSeverity >= 1,
    ioutOcWarning: delivering && c.outputW > 0.95 * c.capacityW,
  }
  return {
    status,
    readings: {
      vinV,
      iinA: vinV > 0 ? pinW / vinV : 0,
      voutV,
      ioutA: voutV > 0 ? poutW / voutV : 0,
      poutW,
      pinW,
      temperatureC,
      ...(fanRpm === undefined ? {} : { fanRpm, fanCommandPct }),
      voutRippleV,
    },
  }
}
