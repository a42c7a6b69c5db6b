import { test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { BusReport } from '../../src/model/plan.js'
import type { RackSnapshot, SupplySnapshot } from '../../src/vocabulary/rackSnapshot.js'
import { toRedfish, type RedfishHealth, type RedfishStatus } from '../../src/vocabulary/toRedfish.js'
import { awkwardId, everyReading, rackSnapshotArb, tinySnapshot } from './vocabularyFixtures.js'

const base = '/redfish/v1/Chassis/r1/PowerSubsystem'
const awkwardPath = `${base}/PowerSupplies/psu%20%22north%22%5C1`

describe('toRedfish golden output', () => {
  test('a two-supply rack: one failed supply, one at-risk supply carrying bus A, a shed load', () => {
    const { subsystem, supplyCollection, supplies, metrics } = toRedfish(tinySnapshot)
    expect(subsystem).toEqual({
      '@odata.id': base,
      '@odata.type': '#PowerSubsystem.v1_1_0.PowerSubsystem',
      Id: 'PowerSubsystem',
      Name: 'Power subsystem of rack r1',
      CapacityWatts: 2700,
      Allocation: { AllocatedWatts: 1200 },
      PowerSupplyRedundancy: [
        {
          GroupName: 'A',
          RedundancyType: 'NPlusM',
          MinNeededInGroup: 1,
          RedundancyGroup: [{ '@odata.id': awkwardPath }],
          'RedundancyGroup@odata.count': 1,
          Status: { State: 'Enabled', Health: 'Warning' },
        },
      ],
      PowerSupplies: { '@odata.id': `${base}/PowerSupplies` },
      Status: { State: 'Enabled', Health: 'Critical' },
      Oem: { Busbar: { ShedLoads: ['batch\n7'], SupplyRedundancy: 1 } },
    })
    expect(supplyCollection).toEqual({
      '@odata.id': `${base}/PowerSupplies`,
      '@odata.type': '#PowerSupplyCollection.PowerSupplyCollection',
      Name: 'Power supplies of rack r1',
      Members: [{ '@odata.id': awkwardPath }, { '@odata.id': `${base}/PowerSupplies/psu2` }],
      'Members@odata.count': 2,
    })
    expect(supplies).toEqual([
      {
        '@odata.id': awkwardPath,
        '@odata.type': '#PowerSupply.v1_5_0.PowerSupply',
        Id: awkwardId,
        Name: `Power supply ${awkwardId}`,
        PowerCapacityWatts: 3000,
        LineInputStatus: 'Normal',
        Status: { State: 'Enabled', Health: 'Warning' },
        Metrics: { '@odata.id': `${awkwardPath}/Metrics` },
        Oem: { Busbar: { ConnectedBus: 'A', FailureRisk: 0.75, AtRisk: true } },
      },
      {
        '@odata.id': `${base}/PowerSupplies/psu2`,
        '@odata.type': '#PowerSupply.v1_5_0.PowerSupply',
        Id: 'psu2',
        Name: 'Power supply psu2',
        PowerCapacityWatts: 2000,
        LineInputStatus: 'LossOfInput',
        Status: { State: 'UnavailableOffline', Health: 'Critical' },
        Metrics: { '@odata.id': `${base}/PowerSupplies/psu2/Metrics` },
        Oem: { Busbar: { ConnectedBus: null, FailureRisk: null, AtRisk: false } },
      },
    ])
    expect(metrics).toEqual([
      {
        '@odata.id': `${awkwardPath}/Metrics`,
        '@odata.type': '#PowerSupplyMetrics.v1_0_0.PowerSupplyMetrics',
        Id: 'Metrics',
        Name: `Metrics of power supply ${awkwardId}`,
        Status: { State: 'Enabled', Health: 'Warning' },
        InputVoltage: { Reading: 230.5 },
        OutputPowerWatts: { Reading: 1200 },
        TemperatureCelsius: { Reading: 44 },
      },
      {
        '@odata.id': `${base}/PowerSupplies/psu2/Metrics`,
        '@odata.type': '#PowerSupplyMetrics.v1_0_0.PowerSupplyMetrics',
        Id: 'Metrics',
        Name: 'Metrics of power supply psu2',
        Status: { State: 'UnavailableOffline', Health: 'Critical' },
      },
    ])
  })

  test('chassisPath option moves every URI', () => {
    const { subsystem, supplies } = toRedfish(tinySnapshot, { chassisPath: '/redfish/v1/Chassis/Shelf9' })
    expect(subsystem['@odata.id']).toBe('/redfish/v1/Chassis/Shelf9/PowerSubsystem')
    expect(
      supplies.every((s) =>
        s['@odata.id'].startsWith('/redfish/v1/Chassis/Shelf9/PowerSubsystem/PowerSupplies/'),
      ),
    ).toBe(true)
  })
})

describe('toRedfish properties', () => {
  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'every supply appears once in the collection, as a PowerSupply and as Metrics',
    (snapshot) => {
      const { supplyCollection, supplies, metrics } = toRedfish(snapshot)
      const ids = snapshot.supplies.map((s) => s.id)
      expect(supplies.map((s) => s.Id)).toEqual(ids)
      expect(supplyCollection.Members.map((m) => m['@odata.id'])).toEqual(supplies.map((s) => s['@odata.id']))
      expect(supplyCollection['Members@odata.count']).toBe(ids.length)
      expect(metrics.map((m) => m['@odata.id'])).toEqual(supplies.map((s) => s.Metrics['@odata.id']))
      // URIs are distinct whenever ids are (ids are percent-encoded, so '/' cannot merge two paths).
      expect(new Set(supplies.map((s) => s['@odata.id'])).size).toBe(ids.length)
    },
  )

  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'each connected supply is in exactly its bus group; groups are N+M; MinNeededInGroup covers the load',
    (snapshot) => {
      const { subsystem, supplies } = toRedfish(snapshot)
      expect(subsystem.PowerSupplyRedundancy.map((g) => g.GroupName)).toEqual(snapshot.buses.map((b) => b.id))
      for (const [i, supply] of snapshot.supplies.entries()) {
        const uri = supplies[i]?.['@odata.id']
        const groups = subsystem.PowerSupplyRedundancy.filter((g) =>
          g.RedundancyGroup.some((l) => l['@odata.id'] === uri),
        )
        const busKnown = snapshot.buses.some((b) => b.id === supply.bus)
        expect(groups.map((g) => g.GroupName)).toEqual(
          supply.bus !== undefined && busKnown ? [supply.bus] : [],
        )
      }
      for (const group of subsystem.PowerSupplyRedundancy) {
        expect(group.RedundancyType).toBe('NPlusM')
        expect(group['RedundancyGroup@odata.count']).toBe(group.RedundancyGroup.length)
        const bus = snapshot.buses.find((b) => b.id === group.GroupName)!
        const usable = snapshot.supplies
          .filter((s) => s.bus === bus.id)
          .map((s) => s.usableW)
          .sort((a, b) => b - a)
        expect(group.MinNeededInGroup).toBeLessThanOrEqual(usable.length)
        const covered = usable.slice(0, group.MinNeededInGroup).reduce((a, b) => a + b, 0)
        // Either the fewest supplies that cover the load, or all of them when even all fall short.
        if (covered >= bus.loadW) {
          const fewer = usable.slice(0, Math.max(0, group.MinNeededInGroup - 1)).reduce((a, b) => a + b, 0)
          if (group.MinNeededInGroup > 0) expect(fewer).toBeLessThan(bus.loadW)
        } else expect(group.MinNeededInGroup).toBe(usable.length)
      }
    },
  )

  test.prop([rackSnapshotArb], { numRuns: 200 })(
    'status: absent supplies have no Health; failed ones are Critical; shed loads make the subsystem Critical',
    (snapshot) => {
      const { subsystem, supplies } = toRedfish(snapshot)
      for (const [i, supply] of snapshot.supplies.entries()) {
        const status = supplies[i]!.Status
        if (supply.state === 'absent') expect(status).toEqual({ State: 'Absent', Health: null })
        if (supply.state === 'failed') expect(status.Health).toBe('Critical')
        if (supply.state === 'ok' && !supply.atRisk && !supply.inputLoss) expect(status.Health).toBe('OK')
      }
      if (snapshot.shed.length > 0) expect(subsystem.Status.Health).toBe('Critical')
      // CapacityWatts counts connected supplies only.
      expect(subsystem.CapacityWatts).toBeCloseTo(
        snapshot.supplies.filter((s) => s.bus !== undefined).reduce((a, s) => a + s.usableW, 0),
        6,
      )
    },
  )
})

describe('toRedfish status and rollup', () => {
  const supply = (over: Partial<SupplySnapshot>): SupplySnapshot => ({
    id: 'p',
    capacityW: 1000,
    usableW: 900,
    state: 'ok',
    bus: 'A',
    failureRisk: undefined,
    atRisk: false,
    inputLoss: false,
    readings: {},
    ...over,
  })
  const bus = (over: Partial<BusReport>): BusReport => ({
    id: 'A',
    up: true,
    loadW: 500,
    capacityW: 1800,
    redundantW: 900,
    nPlusK: true,
    survivesLoss: true,
    ...over,
  })
  const snapshotOf = (over: Partial<RackSnapshot>): RackSnapshot => ({
    rack: 'r1',
    supplyRedundancy: 1,
    supplies: [],
    buses: [],
    shed: [],
    alarms: [],
    plansIssued: 0,
    ...over,
  })
  const statusOf = (s: SupplySnapshot) => toRedfish(snapshotOf({ supplies: [s] })).supplies[0]!

  test.each<[string, Partial<SupplySnapshot>, RedfishStatus, string | undefined]>([
    ['ok and connected', {}, { State: 'Enabled', Health: 'OK' }, 'Normal'],
    ['ok, not connected: a spare', { bus: undefined }, { State: 'StandbySpare', Health: 'OK' }, 'Normal'],
    ['warning', { state: 'warning', atRisk: true }, { State: 'Enabled', Health: 'Warning' }, 'Normal'],
    [
      'a warning spare',
      { state: 'warning', bus: undefined },
      { State: 'StandbySpare', Health: 'Warning' },
      'Normal',
    ],
    [
      'at risk by prediction',
      { atRisk: true, failureRisk: 0.6 },
      { State: 'Enabled', Health: 'Warning' },
      'Normal',
    ],
    ['losing its input', { inputLoss: true }, { State: 'Enabled', Health: 'Warning' }, 'LossOfInput'],
    [
      'failed',
      { state: 'failed', bus: undefined },
      { State: 'UnavailableOffline', Health: 'Critical' },
      'Normal',
    ],
    ['absent', { state: 'absent', bus: undefined }, { State: 'Absent', Health: null }, undefined],
  ])('a supply %s', (_name, over, status, lineInput) => {
    const out = statusOf(supply(over))
    expect(out.Status).toEqual(status)
    expect(out.LineInputStatus).toBe(lineInput)
    expect('LineInputStatus' in out).toBe(lineInput !== undefined)
    const metrics = toRedfish(snapshotOf({ supplies: [supply(over)] })).metrics[0]!
    expect(metrics.Status).toEqual(status)
  })

  test.each<[string, Partial<BusReport>, RedfishStatus]>([
    ['up and N+k', {}, { State: 'Enabled', Health: 'OK' }],
    ['up without N+k', { nPlusK: false }, { State: 'Enabled', Health: 'Warning' }],
    [
      'down with load on it',
      { up: false, capacityW: 0, redundantW: 0, nPlusK: false },
      { State: 'Disabled', Health: 'Critical' },
    ],
    [
      'down and idle',
      { up: false, loadW: 0, capacityW: 0, redundantW: 0, nPlusK: false },
      { State: 'Disabled', Health: 'OK' },
    ],
  ])('a bus group %s', (_name, over, status) => {
    const { subsystem } = toRedfish(snapshotOf({ buses: [bus(over)] }))
    expect(subsystem.PowerSupplyRedundancy[0]!.Status).toEqual(status)
    expect(subsystem.Status).toEqual({ State: 'Enabled', Health: status.Health })
  })

  test.each<[string, Partial<RackSnapshot>, RedfishHealth]>([
    ['all well', { supplies: [supply({})], buses: [bus({})] }, 'OK'],
    [
      'an active alarm',
      { supplies: [supply({})], buses: [bus({})], alarms: [{ kind: 'loadShed', subject: 'x' }] },
      'Warning',
    ],
    [
      'a failed supply: degraded, not Critical',
      { supplies: [supply({}), supply({ id: 'q', state: 'failed', bus: undefined })], buses: [bus({})] },
      'Warning',
    ],
    [
      'an absent supply: no health of its own',
      { supplies: [supply({}), supply({ id: 'q', state: 'absent', bus: undefined })], buses: [bus({})] },
      'OK',
    ],
    ['an at-risk supply', { supplies: [supply({ atRisk: true })], buses: [bus({})] }, 'Warning'],
    ['a shed load', { supplies: [supply({})], buses: [bus({})], shed: ['l1'] }, 'Critical'],
  ])('subsystem health with %s', (_name, over, health) => {
    expect(toRedfish(snapshotOf(over)).subsystem.Status).toEqual({ State: 'Enabled', Health: health })
  })

  test('capacity counts connected supplies, allocation sums the bus loads, MinNeeded is the fewest covering supplies', () => {
    const { subsystem } = toRedfish(
      snapshotOf({
        supplies: [
          supply({ id: 'a1', usableW: 900 }),
          supply({ id: 'a2', usableW: 500 }),
          supply({ id: 'a3', usableW: 300 }),
          supply({ id: 'b1', bus: 'B', usableW: 700 }),
          supply({ id: 'spare', bus: undefined, usableW: 2000 }),
        ],
        buses: [bus({ loadW: 1100 }), bus({ id: 'B', loadW: 0 }), bus({ id: 'C', loadW: 50, up: false })],
      }),
    )
    expect(subsystem.CapacityWatts).toBe(2400)
    expect(subsystem.Allocation).toEqual({ AllocatedWatts: 1150 })
    expect(
      subsystem.PowerSupplyRedundancy.map((g) => [
        g.GroupName,
        g.MinNeededInGroup,
        g['RedundancyGroup@odata.count'],
      ]),
    ).toEqual([
      ['A', 2, 3],
      ['B', 0, 1],
      ['C', 0, 0],
    ])
  })

  test('MinNeededInGroup counts the largest supplies first, whatever the id order', () => {
    const { subsystem } = toRedfish(
      snapshotOf({
        supplies: [supply({ id: 'a1', usableW: 300 }), supply({ id: 'a2', usableW: 900 })],
        buses: [bus({ loadW: 900 })],
      }),
    )
    expect(subsystem.PowerSupplyRedundancy[0]!.MinNeededInGroup).toBe(1)
  })

  test('readings that were not read are absent from the metrics, not present as undefined', () => {
    const metrics = toRedfish(snapshotOf({ supplies: [supply({ readings: { poutW: 10 } })] })).metrics[0]!
    expect(Object.keys(metrics).sort()).toEqual(
      ['@odata.id', '@odata.type', 'Id', 'Name', 'Status', 'OutputPowerWatts'].sort(),
    )
  })

  test('the rack id is percent-encoded in the chassis path', () => {
    const { subsystem } = toRedfish(snapshotOf({ rack: 'row 3/b' }))
    expect(subsystem['@odata.id']).toBe('/redfish/v1/Chassis/row%203%2Fb/PowerSubsystem')
    expect(subsystem.Name).toBe('Power subsystem of rack row 3/b')
  })

  test('every reading maps to its PowerSupplyMetrics property; rails are one-element arrays', () => {
    const metrics = toRedfish(snapshotOf({ supplies: [supply({ readings: everyReading })] })).metrics[0]!
    expect(metrics).toEqual({
      '@odata.id': '/redfish/v1/Chassis/r1/PowerSubsystem/PowerSupplies/p/Metrics',
      '@odata.type': '#PowerSupplyMetrics.v1_0_0.PowerSupplyMetrics',
      Id: 'Metrics',
      Name: 'Metrics of power supply p',
      Status: { State: 'Enabled', Health: 'OK' },
      InputVoltage: { Reading: 229 },
      InputCurrentAmps: { Reading: 4.5 },
      InputPowerWatts: { Reading: 1030 },
      OutputPowerWatts: { Reading: 1004 },
      RailVoltage: [{ Reading: 12.1 }],
      RailCurrentAmps: [{ Reading: 83 }],
      TemperatureCelsius: { Reading: 41 },
    })
  })
})
