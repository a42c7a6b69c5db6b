/**
 * Pure. A `RackSnapshot` in, Prometheus text exposition format (version 0.0.4) out: HELP and TYPE lines,
 * gauges for state and readings, a counter for plans issued, label values escaped. Hand-built because core
 * stays dependency-free: prom-client is a Node registry with global state; this is a function of its input.
 * Serve it with `prometheusContentType` from whatever HTTP server the firmware has.
 */
import type { RackSnapshot, SupplySnapshot } from './rackSnapshot.js'
import type { SupplyReadings } from '../telemetry/telemetry.js'
import type { SupplyState } from '../model/rack.js'

/** The HTTP Content-Type to serve {@link toPrometheus} output with. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8'

/** Metric names of the exposition format. */
export const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/** Label names of the exposition format (`__` prefix is reserved, and busbar never uses it). */
export const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** Escape a label value: backslash, double quote and line feed, as the exposition format requires. */
export const escapeLabelValue = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

/** The inverse of {@link escapeLabelValue}, as a Prometheus parser reads a label value. */
export const unescapeLabelValue = (escaped: string): string =>
  escaped.replace(/\\(.)/gs, (_whole, c: string) => (c === 'n' ? '\n' : c))

/** HELP text escapes only backslash and line feed. */
const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

/** Sample values as Go's ParseFloat reads them (Prometheus spells the non-finite ones this way). */
const formatValue = (value: number): string =>
  Number.isNaN(value) ? 'NaN' : value === Infinity ? '+Inf' : value === -Infinity ? '-Inf' : String(value)

type Labels = ReadonlyArray<readonly [name: string, value: string]>
interface Sample {
  readonly labels: Labels
  readonly value: number
}
interface Family {
  readonly name: string
  readonly type: 'gauge' | 'counter'
  readonly help: string
  readonly samples: readonly Sample[]
}

const supplyStates: readonly SupplyState[] = ['ok', 'warning', 'failed', 'absent']

const readingMetrics: ReadonlyArray<readonly [keyof SupplyReadings, string, string]> = [
  ['vinV', 'busbar_supply_input_voltage_volts', 'Input voltage (READ_VIN).'],
  ['iinA', 'busbar_supply_input_current_amperes', 'Input current (READ_IIN).'],
  ['pinW', 'busbar_supply_input_power_watts', 'Input power (READ_PIN).'],
  ['voutV', 'busbar_supply_output_voltage_volts', 'Output voltage (READ_VOUT).'],
  ['ioutA', 'busbar_supply_output_current_amperes', 'Output current (READ_IOUT).'],
  ['poutW', 'busbar_supply_output_power_watts', 'Output power (READ_POUT).'],
  ['temperatureC', 'busbar_supply_temperature_celsius', 'Supply temperature (READ_TEMPERATURE_1).'],
  ['fanRpm', 'busbar_supply_fan_speed_rpm', 'Fan speed (READ_FAN_SPEED_1).'],
]

const bool = (b: boolean): number => (b ? 1 : 0)

const families = (snapshot: RackSnapshot): Family[] => {
  const rack = ['rack', snapshot.rack] as const
  const perSupply = (value: (s: SupplySnapshot) => number | undefined): Sample[] =>
    snapshot.supplies.flatMap((s) => {
      const v = value(s)
      return v === undefined ? [] : [{ labels: [rack, ['supply', s.id]], value: v }]
    })
  const perBus = (value: (b: RackSnapshot['buses'][number]) => number): Sample[] =>
    snapshot.buses.map((b) => ({ labels: [rack, ['bus', b.id]], value: value(b) }))
  return [
    {
      name: 'busbar_supply_info',
      type: 'gauge',
      help: 'Always 1; the bus label is the bus the supply is closed onto, empty when it is not connected.',
      samples: snapshot.supplies.map((s) => ({
        labels: [rack, ['supply', s.id], ['bus', s.bus ?? '']],
        value: 1,
      })),
    },
    {
      name: 'busbar_supply_state',
      type: 'gauge',
      help: 'Supply state: 1 for the current state, 0 for the others.',
      samples: snapshot.supplies.flatMap((s) =>
        supplyStates.map((state) => ({
          labels: [rack, ['supply', s.id], ['state', state]],
          value: bool(s.state === state),
        })),
      ),
    },
    {
      name: 'busbar_supply_capacity_watts',
      type: 'gauge',
      help: 'Rated output of the supply.',
      samples: perSupply((s) => s.capacityW),
    },
    {
      name: 'busbar_supply_usable_watts',
      type: 'gauge',
      help: 'Rated output times the derate.',
      samples: perSupply((s) => s.usableW),
    },
    {
      name: 'busbar_supply_at_risk',
      type: 'gauge',
      help: '1 when the supply is at risk (warning, or failure risk at or above preemptRisk).',
      samples: perSupply((s) => bool(s.atRisk)),
    },
    {
      name: 'busbar_supply_failure_risk_ratio',
      type: 'gauge',
      help: 'Predicted probability of failure, when predicted.',
      samples: perSupply((s) => s.failureRisk),
    },
    {
      name: 'busbar_supply_input_loss',
      type: 'gauge',
      help: '1 when the supply reports loss of its input.',
      samples: perSupply((s) => bool(s.inputLoss)),
    },
    ...readingMetrics.map(([key, name, help]): Family => ({
      name,
      type: 'gauge',
      help,
      samples: perSupply((s) => s.readings[key]),
    })),
    {
      name: 'busbar_bus_up',
      type: 'gauge',
      help: '1 when the bus has at least one closed switch.',
      samples: perBus((b) => bool(b.up)),
    },
    {
      name: 'busbar_bus_load_watts',
      type: 'gauge',
      help: "Served loads' share on the bus.",
      samples: perBus((b) => b.loadW),
    },
    {
      name: 'busbar_bus_capacity_watts',
      type: 'gauge',
      help: 'Usable capacity of the supplies closed onto the bus.',
      samples: perBus((b) => b.capacityW),
    },
    {
      name: 'busbar_bus_redundant_capacity_watts',
      type: 'gauge',
      help: 'Usable capacity left without the at-risk supplies and the k largest.',
      samples: perBus((b) => b.redundantW),
    },
    {
      name: 'busbar_bus_n_plus_k',
      type: 'gauge',
      help: '1 when the bus meets N+k supply redundancy.',
      samples: perBus((b) => bool(b.nPlusK)),
    },
    {
      name: 'busbar_bus_survives_loss',
      type: 'gauge',
      help: '1 when losing this bus loses no load.',
      samples: perBus((b) => bool(b.survivesLoss)),
    },
    {
      name: 'busbar_supply_redundancy_k',
      type: 'gauge',
      help: 'The k of N+k the rack is run at.',
      samples: [{ labels: [rack], value: snapshot.supplyRedundancy }],
    },
    {
      name: 'busbar_loads_shed',
      type: 'gauge',
      help: 'Number of shed loads.',
      samples: [{ labels: [rack], value: snapshot.shed.length }],
    },
    {
      name: 'busbar_load_shed',
      type: 'gauge',
      help: 'Always 1, one sample per shed load.',
      samples: snapshot.shed.map((load) => ({ labels: [rack, ['load', load]], value: 1 })),
    },
    {
      name: 'busbar_alarm_active',
      type: 'gauge',
      help: 'Always 1, one sample per active controller alarm.',
      samples: snapshot.alarms.map((a) => ({
        labels: [rack, ['kind', a.kind], ['subject', a.subject]],
        value: 1,
      })),
    },
    {
      name: 'busbar_plans_issued_total',
      type: 'counter',
      help: 'Switching plans issued since the controller started.',
      samples: [{ labels: [rack], value: snapshot.plansIssued }],
    },
  ]
}

const formatLabels = (labels: Labels): string =>
  labels.length === 0
    ? ''
    : `{${labels.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`

/** Map a snapshot to the Prometheus text exposition format. Families with no sample are left out. */
export const toPrometheus = (snapshot: RackSnapshot): string =>
  families(snapshot)
    .filter((f) => f.samples.length > 0)
    .map((f) =>
      [
        `# HELP ${f.name} ${escapeHelp(f.help)}`,
        `# TYPE ${f.name} ${f.type}`,
        ...f.samples.map((s) => `${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`),
      ].join('\n'),
    )
    .join('\n')
    .concat('\n')
