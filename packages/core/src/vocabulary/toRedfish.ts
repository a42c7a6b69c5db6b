/**
 * Pure. A `RackSnapshot` in, DMTF Redfish JSON out: the chassis' PowerSubsystem, its PowerSupplies collection,
 * one PowerSupply and one PowerSupplyMetrics per supply. Property names are the DMTF schemas'
 * (PowerSubsystem v1_1, PowerSupply v1_5, PowerSupplyMetrics v1_0, Redundancy v1_5); busbar-only facts go
 * under `Oem.Busbar`. Serving them over HTTP is the caller's job.
 *
 * Each bus is one N+M redundancy group (`GroupName` = bus id) of the supplies closed onto it: M is the policy's
 * k, and `MinNeededInGroup` the fewest of those supplies (largest usable capacity first) that carry the bus load.
 */
import type { BusReport } from '../model/plan.js'
import type { RackSnapshot, SupplySnapshot } from './rackSnapshot.js'

/** Redfish `Resource.Health`. */
export type RedfishHealth = 'OK' | 'Warning' | 'Critical'

/** Redfish `Resource.State` values busbar uses. */
export type RedfishState = 'Enabled' | 'Disabled' | 'StandbySpare' | 'UnavailableOffline' | 'Absent'

/** Redfish `Resource.Status`. `Health` is null for an absent supply (nothing to judge). */
export interface RedfishStatus {
  readonly State: RedfishState
  readonly Health: RedfishHealth | null
}

/** A Redfish link. */
export interface RedfishLink {
  readonly '@odata.id': string
}

/** A Redfish sensor excerpt: just the reading. */
export interface RedfishReading {
  readonly Reading: number
}

/** Redfish `Redundancy.RedundantGroup`, one per bus. */
export interface RedfishRedundantGroup {
  readonly GroupName: string
  readonly RedundancyType: 'NPlusM'
  readonly MinNeededInGroup: number
  readonly RedundancyGroup: readonly RedfishLink[]
  readonly 'RedundancyGroup@odata.count': number
  readonly Status: RedfishStatus
}

/** Redfish `PowerSubsystem.PowerSubsystem`. */
export interface RedfishPowerSubsystem {
  readonly '@odata.id': string
  readonly '@odata.type': '#PowerSubsystem.v1_1_0.PowerSubsystem'
  readonly Id: 'PowerSubsystem'
  readonly Name: string
  /** Usable capacity of all connected supplies. */
  readonly CapacityWatts: number
  readonly Allocation: { readonly AllocatedWatts: number }
  readonly PowerSupplyRedundancy: readonly RedfishRedundantGroup[]
  readonly PowerSupplies: RedfishLink
  readonly Status: RedfishStatus
  readonly Oem: {
    readonly Busbar: { readonly ShedLoads: readonly string[]; readonly SupplyRedundancy: number }
  }
}

/** Redfish `PowerSupplyCollection.PowerSupplyCollection`. */
export interface RedfishPowerSupplyCollection {
  readonly '@odata.id': string
  readonly '@odata.type': '#PowerSupplyCollection.PowerSupplyCollection'
  readonly Name: string
  readonly Members: readonly RedfishLink[]
  readonly 'Members@odata.count': number
}

/** Redfish `PowerSupply.PowerSupply`. */
export interface RedfishPowerSupply {
  readonly '@odata.id': string
  readonly '@odata.type': '#PowerSupply.v1_5_0.PowerSupply'
  readonly Id: string
  readonly Name: string
  readonly PowerCapacityWatts: number
  /** Omitted for an absent supply. */
  readonly LineInputStatus?: 'Normal' | 'LossOfInput'
  readonly Status: RedfishStatus
  readonly Metrics: RedfishLink
  readonly Oem: {
    readonly Busbar: {
      readonly ConnectedBus: string | null
      readonly FailureRisk: number | null
      readonly AtRisk: boolean
    }
  }
}

/** Redfish `PowerSupplyMetrics.PowerSupplyMetrics`; readings the supply did not report are omitted. */
export interface RedfishPowerSupplyMetrics {
  readonly '@odata.id': string
  readonly '@odata.type': '#PowerSupplyMetrics.v1_0_0.PowerSupplyMetrics'
  readonly Id: 'Metrics'
  readonly Name: string
  readonly Status: RedfishStatus
  readonly InputVoltage?: RedfishReading
  readonly InputCurrentAmps?: RedfishReading
  readonly InputPowerWatts?: RedfishReading
  readonly OutputPowerWatts?: RedfishReading
  readonly RailVoltage?: readonly RedfishReading[]
  readonly RailCurrentAmps?: readonly RedfishReading[]
  readonly TemperatureCelsius?: RedfishReading
}

/** Every Redfish resource of one rack's power subsystem. */
export interface RedfishPowerResources {
  readonly subsystem: RedfishPowerSubsystem
  readonly supplyCollection: RedfishPowerSupplyCollection
  /** In the snapshot's supply order (by id). */
  readonly supplies: readonly RedfishPowerSupply[]
  readonly metrics: readonly RedfishPowerSupplyMetrics[]
}

/** Where the resources live. */
export interface RedfishOptions {
  /** The chassis URI; default `/redfish/v1/Chassis/<rack>` (rack id URI-encoded). */
  readonly chassisPath?: string
}

const supplyStatus = (supply: SupplySnapshot): RedfishStatus => {
  switch (supply.state) {
    case 'absent':
      return { State: 'Absent', Health: null }
    case 'failed':
      return { State: 'UnavailableOffline', Health: 'Critical' }
    case 'warning':
    case 'ok':
      return {
        State: supply.bus === undefined ? 'StandbySpare' : 'Enabled',
        Health: supply.state === 'warning' || supply.atRisk || supply.inputLoss ? 'Warning' : 'OK',
      }
  }
}

/** The fewest supplies of the group, largest usable first, whose usable capacity covers the bus load. */
const minNeeded = (group: readonly SupplySnapshot[], loadW: number): number => {
  const usable = group.map((s) => s.usableW).sort((a, b) => b - a)
  let sum = 0
  for (let i = 0; i < usable.length; i++) {
    if (sum >= loadW) return i
    sum += usable[i] ?? 0
  }
  return usable.length
}

const groupStatus = (bus: BusReport): RedfishStatus =>
  !bus.up
    ? { State: 'Disabled', Health: bus.loadW > 0 ? 'Critical' : 'OK' }
    : { State: 'Enabled', Health: bus.nPlusK ? 'OK' : 'Warning' }

const worst = (healths: readonly (RedfishHealth | null)[]): RedfishHealth =>
  healths.includes('Critical') ? 'Critical' : healths.includes('Warning') ? 'Warning' : 'OK'

const reading = (value: number | undefined): { readonly Reading: number } | undefined =>
  value === undefined ? undefined : { Reading: value }

/** Map a snapshot to its Redfish power resources. */
export const toRedfish = (snapshot: RackSnapshot, options: RedfishOptions = {}): RedfishPowerResources => {
  const chassis = options.chassisPath ?? `/redfish/v1/Chassis/${encodeURIComponent(snapshot.rack)}`
  const base = `${chassis}/PowerSubsystem`
  const supplyPath = (id: string): string => `${base}/PowerSupplies/${encodeURIComponent(id)}`

  const supplies = snapshot.supplies.map((s): RedfishPowerSupply => ({
    '@odata.id': supplyPath(s.id),
    '@odata.type': '#PowerSupply.v1_5_0.PowerSupply',
    Id: s.id,
    Name: `Power supply ${s.id}`,
    PowerCapacityWatts: s.capacityW,
    ...(s.state === 'absent'
      ? {}
      : { LineInputStatus: s.inputLoss ? ('LossOfInput' as const) : ('Normal' as const) }),
    Status: supplyStatus(s),
    Metrics: { '@odata.id': `${supplyPath(s.id)}/Metrics` },
    Oem: { Busbar: { ConnectedBus: s.bus ?? null, FailureRisk: s.failureRisk ?? null, AtRisk: s.atRisk } },
  }))

  const metrics = snapshot.supplies.map((s): RedfishPowerSupplyMetrics => {
    const r = s.readings
    const inputVoltage = reading(r.vinV)
    const inputCurrent = reading(r.iinA)
    const inputPower = reading(r.pinW)
    const outputPower = reading(r.poutW)
    const railVoltage = reading(r.voutV)
    const railCurrent = reading(r.ioutA)
    const temperature = reading(r.temperatureC)
    return {
      '@odata.id': `${supplyPath(s.id)}/Metrics`,
      '@odata.type': '#PowerSupplyMetrics.v1_0_0.PowerSupplyMetrics',
      Id: 'Metrics',
      Name: `Metrics of power supply ${s.id}`,
      Status: supplyStatus(s),
      ...(inputVoltage === undefined ? {} : { InputVoltage: inputVoltage }),
      ...(inputCurrent === undefined ? {} : { InputCurrentAmps: inputCurrent }),
      ...(inputPower === undefined ? {} : { InputPowerWatts: inputPower }),
      ...(outputPower === undefined ? {} : { OutputPowerWatts: outputPower }),
      ...(railVoltage === undefined ? {} : { RailVoltage: [railVoltage] }),
      ...(railCurrent === undefined ? {} : { RailCurrentAmps: [railCurrent] }),
      ...(temperature === undefined ? {} : { TemperatureCelsius: temperature }),
    }
  })

  const groups = snapshot.buses.map((bus): RedfishRedundantGroup => {
    const members = snapshot.supplies.filter((s) => s.bus === bus.id)
    return {
      GroupName: bus.id,
      RedundancyType: 'NPlusM',
      MinNeededInGroup: minNeeded(members, bus.loadW),
      RedundancyGroup: members.map((s) => ({ '@odata.id': supplyPath(s.id) })),
      'RedundancyGroup@odata.count': members.length,
      Status: groupStatus(bus),
    }
  })

  // Shed loads are the one Critical condition of the subsystem itself; the rest rolls up from its parts.
  const health = worst([
    snapshot.shed.length > 0 ? 'Critical' : 'OK',
    snapshot.alarms.length > 0 ? 'Warning' : 'OK',
    ...groups.map((g) => g.Status.Health),
    // A failed supply is Critical on its own, but the subsystem is only degraded by it (redundancy covers it).
    ...supplies.map((s) => (s.Status.Health === 'Critical' ? 'Warning' : s.Status.Health)),
  ])

  return {
    subsystem: {
      '@odata.id': base,
      '@odata.type': '#PowerSubsystem.v1_1_0.PowerSubsystem',
      Id: 'PowerSubsystem',
      Name: `Power subsystem of rack ${snapshot.rack}`,
      CapacityWatts: snapshot.supplies.reduce((sum, s) => (s.bus === undefined ? sum : sum + s.usableW), 0),
      Allocation: { AllocatedWatts: snapshot.buses.reduce((sum, b) => sum + b.loadW, 0) },
      PowerSupplyRedundancy: groups,
      PowerSupplies: { '@odata.id': `${base}/PowerSupplies` },
      Status: { State: 'Enabled', Health: health },
      Oem: { Busbar: { ShedLoads: snapshot.shed, SupplyRedundancy: snapshot.supplyRedundancy } },
    },
    supplyCollection: {
      '@odata.id': `${base}/PowerSupplies`,
      '@odata.type': '#PowerSupplyCollection.PowerSupplyCollection',
      Name: `Power supplies of rack ${snapshot.rack}`,
      Members: supplies.map((s) => ({ '@odata.id': s['@odata.id'] })),
      'Members@odata.count': supplies.length,
    },
    supplies,
    metrics,
  }
}
