import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  escapeLabelValue,
  labelNamePattern,
  metricNamePattern,
  toPrometheus,
  unescapeLabelValue,
} from '../../src/vocabulary/toPrometheus.js'
import { everyReading, parseExposition, rackSnapshotArb, tinySnapshot } from './vocabularyFixtures.js'

describe('toPrometheus golden output', () => {
  test('a two-supply rack with an awkward supply id', () => {
    expect(toPrometheus(tinySnapshot))
      .toBe(`# HELP busbar_supply_info Always 1; the bus label is the bus the supply is closed onto, empty when it is not connected.
# TYPE busbar_supply_info gauge
busbar_supply_info{rack="r1",supply="psu \\"north\\"\\\\1",bus="A"} 1
busbar_supply_info{rack="r1",supply="psu2",bus=""} 1
# HELP busbar_supply_state Supply state: 1 for the current state, 0 for the others.
# TYPE busbar_supply_state gauge
busbar_supply_state{rack="r1",supply="psu \\"north\\"\\\\1",state="ok"} 1
busbar_supply_state{rack="r1",supply="psu \\"north\\"\\\\1",state="warning"} 0
busbar_supply_state{rack="r1",supply="psu \\"north\\"\\\\1",state="failed"} 0
busbar_supply_state{rack="r1",supply="psu \\"north\\"\\\\1",state="absent"} 0
busbar_supply_state{rack="r1",supply="psu2",state="ok"} 0
busbar_supply_state{rack="r1",supply="psu2",state="warning"} 0
busbar_supply_state{rack="r1",supply="psu2",state="failed"} 1
busbar_supply_state{rack="r1",supply="psu2",state="absent"} 0
# HELP busbar_supply_capacity_watts Rated output of the supply.
# TYPE busbar_supply_capacity_watts gauge
busbar_supply_capacity_watts{rack="r1",supply="psu \\"north\\"\\\\1"} 3000
busbar_supply_capacity_watts{rack="r1",supply="psu2"} 2000
# HELP busbar_supply_usable_watts Rated output times the derate.
# TYPE busbar_supply_usable_watts gauge
busbar_supply_usable_watts{rack="r1",supply="psu \\"north\\"\\\\1"} 2700
busbar_supply_usable_watts{rack="r1",supply="psu2"} 1800
# HELP busbar_supply_at_risk 1 when the supply is at risk (warning, or failure risk at or above preemptRisk).
# TYPE busbar_supply_at_risk gauge
busbar_supply_at_risk{rack="r1",supply="psu \\"north\\"\\\\1"} 1
busbar_supply_at_risk{rack="r1",supply="psu2"} 0
# HELP busbar_supply_failure_risk_ratio Predicted probability of failure, when predicted.
# TYPE busbar_supply_failure_risk_ratio gauge
busbar_supply_failure_risk_ratio{rack="r1",supply="psu \\"north\\"\\\\1"} 0.75
# HELP busbar_supply_input_loss 1 when the supply reports loss of its input.
# TYPE busbar_supply_input_loss gauge
busbar_supply_input_loss{rack="r1",supply="psu \\"north\\"\\\\1"} 0
busbar_supply_input_loss{rack="r1",supply="psu2"} 1
# HELP busbar_supply_input_voltage_volts Input voltage (READ_VIN).
# TYPE busbar_supply_input_voltage_volts gauge
busbar_supply_input_voltage_volts{rack="r1",supply="psu \\"north\\"\\\\1"} 230.5
# HELP busbar_supply_output_power_watts Output power (READ_POUT).
# TYPE busbar_supply_output_power_watts gauge
busbar_supply_output_power_watts{rack="r1",supply="psu \\"north\\"\\\\1"} 1200
# HELP busbar_supply_temperature_celsius Supply temperature (READ_TEMPERATURE_1).
# TYPE busbar_supply_temperature_celsius gauge
busbar_supply_temperature_celsius{rack="r1",supply="psu \\"north\\"\\\\1"} 44
# HELP busbar_bus_up 1 when the bus has at least one closed switch.
# TYPE busbar_bus_up gauge
busbar_bus_up{rack="r1",bus="A"} 1
# HELP busbar_bus_load_watts Served loads' share on the bus.
# TYPE busbar_bus_load_watts gauge
busbar_bus_load_watts{rack="r1",bus="A"} 1200
# HELP busbar_bus_capacity_watts Usable capacity of the supplies closed onto the bus.
# TYPE busbar_bus_capacity_watts gauge
busbar_bus_capacity_watts{rack="r1",bus="A"} 2700
# HELP busbar_bus_redundant_capacity_watts Usable capacity left without the at-risk supplies and the k largest.
# TYPE busbar_bus_redundant_capacity_watts gauge
busbar_bus_redundant_capacity_watts{rack="r1",bus="A"} 0
# HELP busbar_bus_n_plus_k 1 when the bus meets N+k supply redundancy.
# TYPE busbar_bus_n_plus_k gauge
busbar_bus_n_plus_k{rack="r1",bus="A"} 0
# HELP busbar_bus_survives_loss 1 when losing this bus loses no load.
# TYPE busbar_bus_survives_loss gauge
busbar_bus_survives_loss{rack="r1",bus="A"} 0
# HELP busbar_supply_redundancy_k The k of N+k the rack is run at.
# TYPE busbar_supply_redundancy_k gauge
busbar_supply_redundancy_k{rack="r1"} 1
# HELP busbar_loads_shed Number of shed loads.
# TYPE busbar_loads_shed gauge
busbar_loads_shed{rack="r1"} 1
# HELP busbar_load_shed Always 1, one sample per shed load.
# TYPE busbar_load_shed gauge
busbar_load_shed{rack="r1",load="batch\\n7"} 1
# HELP busbar_alarm_active Always 1, one sample per active controller alarm.
# TYPE busbar_alarm_active gauge
busbar_alarm_active{rack="r1",kind="redundancyLost",subject="A"} 1
# HELP busbar_plans_issued_total Switching plans issued since the controller started.
# TYPE busbar_plans_issued_total counter
busbar_plans_issued_total{rack="r1"} 2
`)
  })
})

describe('toPrometheus properties', () => {
  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'every supply appears exactly once in busbar_supply_info, with its bus',
    (snapshot) => {
      const samples = parseExposition(toPrometheus(snapshot)).samples.filter(
        (s) => s.name === 'busbar_supply_info',
      )
      expect(samples.map((s) => s.labels['supply']).sort()).toEqual(snapshot.supplies.map((s) => s.id).sort())
      for (const supply of snapshot.supplies) {
        const sample = samples.find((s) => s.labels['supply'] === supply.id)
        expect(sample?.labels['bus']).toBe(supply.bus ?? '')
      }
    },
  )

  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'each supply has exactly one busbar_supply_state at 1, and it is its state',
    (snapshot) => {
      const samples = parseExposition(toPrometheus(snapshot)).samples.filter(
        (s) => s.name === 'busbar_supply_state' && s.value === '1',
      )
      expect(samples.map((s) => `${s.labels['supply']}/${s.labels['state']}`).sort()).toEqual(
        snapshot.supplies.map((s) => `${s.id}/${s.state}`).sort(),
      )
    },
  )

  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'valid names; one HELP and one TYPE per family, before its samples; counters end in _total',
    (snapshot) => {
      const { families, samples, lines } = parseExposition(toPrometheus(snapshot))
      for (const family of families) {
        expect(family.name).toMatch(metricNamePattern)
        expect(family.helpCount).toBe(1)
        expect(family.typeCount).toBe(1)
        expect(family.type === 'counter').toBe(family.name.endsWith('_total'))
      }
      for (const sample of samples) {
        expect(sample.name).toMatch(metricNamePattern)
        for (const name of Object.keys(sample.labels)) expect(name).toMatch(labelNamePattern)
        // A sample belongs to the family declared last, and the value is a number Prometheus reads.
        expect(sample.family).toBe(sample.name)
        expect(sample.value).toMatch(/^(NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]\d+)?|-?\d(\.\d+)?e[+-]\d+)$/)
      }
      expect(new Set(families.map((f) => f.name)).size).toBe(families.length)
      expect(lines.at(-1)).toBe('')
    },
  )

  test.prop([fc.string({ unit: 'binary' })], { numRuns: 300 })(
    'label escaping round-trips any string',
    (value) => {
      const escaped = escapeLabelValue(value)
      expect(unescapeLabelValue(escaped)).toBe(value)
      // No raw line feed and no unescaped quote survives: the value stays on its line and inside its quotes.
      expect(escaped).not.toContain('\n')
      expect(escaped.replace(/\\./gs, '')).not.toContain('"')
    },
  )

  test('escaping the three special characters', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd')
    expect(unescapeLabelValue('a\\\\b\\"c\\nd')).toBe('a\\b"c\nd')
  })
})

describe('toPrometheus readings', () => {
  const [first, second] = tinySnapshot.supplies
  const snapshot = {
    ...tinySnapshot,
    supplies: [
      { ...first!, readings: everyReading },
      { ...second!, readings: { vinV: Number.NaN, temperatureC: Infinity, iinA: -Infinity } },
    ],
  }
  const text = toPrometheus(snapshot)
  const block = (name: string): string[] =>
    text.split('\n').filter((line) => line.includes(` ${name}`) || line.startsWith(`${name}{`))

  test.each([
    ['busbar_supply_input_voltage_volts', 'Input voltage (READ_VIN).', '229', 'NaN'],
    ['busbar_supply_input_current_amperes', 'Input current (READ_IIN).', '4.5', '-Inf'],
    ['busbar_supply_input_power_watts', 'Input power (READ_PIN).', '1030', undefined],
    ['busbar_supply_output_voltage_volts', 'Output voltage (READ_VOUT).', '12.1', undefined],
    ['busbar_supply_output_current_amperes', 'Output current (READ_IOUT).', '83', undefined],
    ['busbar_supply_output_power_watts', 'Output power (READ_POUT).', '1004', undefined],
    ['busbar_supply_temperature_celsius', 'Supply temperature (READ_TEMPERATURE_1).', '41', '+Inf'],
    ['busbar_supply_fan_speed_rpm', 'Fan speed (READ_FAN_SPEED_1).', '9800', undefined],
  ])('%s: HELP, TYPE gauge, one sample per supply that read it', (name, help, value, secondValue) => {
    const firstLabel = escapeLabelValue(first!.id)
    expect(block(name)).toEqual([
      `# HELP ${name} ${help}`,
      `# TYPE ${name} gauge`,
      `${name}{rack="r1",supply="${firstLabel}"} ${value}`,
      ...(secondValue === undefined ? [] : [`${name}{rack="r1",supply="psu2"} ${secondValue}`]),
    ])
  })

  test('a family with no sample is left out, HELP and TYPE included', () => {
    const bare = toPrometheus({ ...tinySnapshot, supplies: [], buses: [], shed: [], alarms: [] })
    expect(bare).toBe(
      [
        '# HELP busbar_supply_redundancy_k The k of N+k the rack is run at.',
        '# TYPE busbar_supply_redundancy_k gauge',
        'busbar_supply_redundancy_k{rack="r1"} 1',
        '# HELP busbar_loads_shed Number of shed loads.',
        '# TYPE busbar_loads_shed gauge',
        'busbar_loads_shed{rack="r1"} 0',
        '# HELP busbar_plans_issued_total Switching plans issued since the controller started.',
        '# TYPE busbar_plans_issued_total counter',
        'busbar_plans_issued_total{rack="r1"} 2',
        '',
      ].join('\n'),
    )
  })

  test('a rack id is an escaped label value on every sample', () => {
    const lines = toPrometheus({ ...tinySnapshot, rack: 'row "3"\\b\nx' }).split('\n')
    const samples = lines.filter((l) => l !== '' && !l.startsWith('#'))
    expect(samples.length).toBeGreaterThan(0)
    for (const line of samples) expect(line).toContain('{rack="row \\"3\\"\\\\b\\nx"')
  })
})
