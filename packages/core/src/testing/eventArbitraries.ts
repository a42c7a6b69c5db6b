/**
 * Pure builders and fast-check arbitraries for controller events: status snapshots from flag names,
 * telemetry samples, failed reads, and time-ordered event sequences for a rack. For users' CI and ours.
 */
import fc from 'fast-check'
import type { ControllerEvent } from '../controller/events.js'
import type { RackInput } from '../model/rack.js'
import type {
  CommError,
  StatusRegisters,
  StatusWordFlags,
  SupplyReadings,
  TelemetrySample,
} from '../telemetry/telemetry.js'
import { noStatusFlags } from '../telemetry/telemetry.js'
import { statusSeverityTable } from '../controller/statusSeverity.js'

const noDetail = {
  vout: {
    ovFault: false,
    ovWarning: false,
    uvWarning: false,
    uvFault: false,
    maxMinWarning: false,
    tonMaxFault: false,
    toffMaxWarning: false,
    trackingError: false,
  },
  iout: {
    ocFault: false,
    ocLvFault: false,
    ocWarning: false,
    ucFault: false,
    currentShareFault: false,
    powerLimiting: false,
    poutOpFault: false,
    poutOpWarning: false,
  },
  input: {
    vinOvFault: false,
    vinOvWarning: false,
    vinUvWarning: false,
    vinUvFault: false,
    unitOffLowInput: false,
    iinOcFault: false,
    iinOcWarning: false,
    pinOpWarning: false,
  },
  temperature: { otFault: false, otWarning: false, utWarning: false, utFault: false },
  cml: {
    invalidCommand: false,
    invalidData: false,
    pecFailed: false,
    memoryFault: false,
    processorFault: false,
    otherCommFault: false,
    otherMemoryLogicFault: false,
  },
  fans12: {
    fan1Fault: false,
    fan2Fault: false,
    fan1Warning: false,
    fan2Warning: false,
    fan1SpeedOverride: false,
    fan2SpeedOverride: false,
    airflowFault: false,
    airflowWarning: false,
  },
} as const

/** The STATUS_WORD summary bit that points at each detail register, as a real device sets it. */
const summaryBitOf: Record<string, keyof StatusWordFlags> = {
  vout: 'vout',
  iout: 'ioutPout',
  input: 'input',
  temperature: 'temperature',
  cml: 'cml',
  fans12: 'fans',
  otherRaw: 'other',
  mfrRaw: 'mfrSpecific',
}

/**
 * A status snapshot with exactly the named flags set (`word.off`, `temperature.otFault`, `otherRaw`,
 * ...). Setting a detail flag also sets its STATUS_WORD summary bit and includes that detail register,
 * as a device plus a complete read would. Unknown names throw, naming the flag.
 */
export const statusWithFlags = (flags: readonly string[]): StatusRegisters => {
  const word: Record<string, boolean> = { ...noStatusFlags }
  const details: Record<string, Record<string, boolean>> = {}
  let otherRaw: number | undefined
  let mfrRaw: number | undefined
  for (const flag of flags) {
    if (!statusSeverityTable.some((r) => r.flag === flag))
      throw new Error(`statusWithFlags: unknown flag '${flag}'`)
    if (flag === 'otherRaw' || flag === 'mfrRaw') {
      if (flag === 'otherRaw') otherRaw = 0x01
      else mfrRaw = 0x01
      word[summaryBitOf[flag] as string] = true
      continue
    }
    const [register, name] = flag.split('.') as [string, string]
    if (register === 'word') {
      word[name] = true
      continue
    }
    const base = noDetail[register as keyof typeof noDetail]
    details[register] = { ...(details[register] ?? base), [name]: true }
    word[summaryBitOf[register] as string] = true
  }
  return {
    word: word as unknown as StatusWordFlags,
    ...(details as Partial<StatusRegisters>),
    ...(otherRaw === undefined ? {} : { otherRaw }),
    ...(mfrRaw === undefined ? {} : { mfrRaw }),
  }
}

/** A telemetry sample for `supply` at `atMs` with the named status flags and the given readings. */
export const sampleWithFlags = (
  supply: string,
  atMs: number,
  flags: readonly string[] = [],
  readings: SupplyReadings = {},
): TelemetrySample => ({ supply, atMs, status: statusWithFlags(flags), readings })

export const telemetryEvent = (
  supply: string,
  atMs: number,
  flags: readonly string[] = [],
  readings: SupplyReadings = {},
): ControllerEvent => ({ _tag: 'Telemetry', sample: sampleWithFlags(supply, atMs, flags, readings) })

export const readFailedEvent = (
  supply: string,
  atMs: number,
  tag: CommError['_tag'] = 'NoAck',
): ControllerEvent => ({
  _tag: 'ReadFailed',
  supply,
  atMs,
  error: commErrorOf(tag),
})

export const commErrorOf = (tag: CommError['_tag']): CommError => {
  switch (tag) {
    case 'NoAck':
      return { _tag: 'NoAck', address: 0x58 }
    case 'PecMismatch':
      return { _tag: 'PecMismatch', address: 0x58, command: 0x79, expected: 0x12, actual: 0x34 }
    case 'Timeout':
      return { _tag: 'Timeout', address: 0x58 }
    case 'BusError':
      return { _tag: 'BusError', address: 0x58, detail: 'arbitration lost' }
    case 'MuxError':
      return { _tag: 'MuxError', mux: 0x70, channel: 0, detail: 'mux did not acknowledge' }
    case 'InvalidResponse':
      return { _tag: 'InvalidResponse', address: 0x58, detail: 'short block read' }
  }
}

/** Every flag name of the severity table. */
export const statusFlagNames: readonly string[] = statusSeverityTable.map((r) => r.flag)

/** A set of status flags: mostly none, sometimes a few. */
export const statusFlagsArb = (): fc.Arbitrary<string[]> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<string[]>([]) },
    { weight: 3, arbitrary: fc.subarray([...statusFlagNames], { minLength: 1, maxLength: 3 }) },
  )

export const commErrorArb = (): fc.Arbitrary<CommError> =>
  fc
    .constantFrom<CommError['_tag']>(
      'NoAck',
      'PecMismatch',
      'Timeout',
      'BusError',
      'MuxError',
      'InvalidResponse',
    )
    .map(commErrorOf)

/** Plausible READ_* values of a 12 V supply, optionally absent (status fast path). */
export const supplyReadingsArb = (): fc.Arbitrary<SupplyReadings> =>
  fc
    .option(
      fc.record({
        vinV: fc.double({ min: 180, max: 250, noNaN: true }),
        voutV: fc.double({ min: 11.5, max: 12.5, noNaN: true }),
        poutW: fc.double({ min: 0, max: 3000, noNaN: true }),
        temperatureC: fc.double({ min: 20, max: 90, noNaN: true }),
        fanRpm: fc.double({ min: 0, max: 20000, noNaN: true }),
        fanCommandPct: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      { nil: undefined, freq: 3 },
    )
    .map((r) => r ?? {})

/** Status flag sets a supply commonly shows: healthy most of the time, then faults, warnings, input loss. */
export const typicalFlagProfiles: readonly (readonly string[])[] = [
  [],
  ['temperature.otFault'],
  ['word.powerGoodNegated', 'word.off'],
  ['temperature.otWarning'],
  ['word.vinUv', 'input.vinUvFault', 'word.powerGoodNegated', 'word.off'],
  ['input.vinUvWarning'],
  ['iout.currentShareFault'],
  ['fans12.fan1Fault'],
  ['cml.pecFailed'],
]

/** The parts of a rack that event generation needs. */
export interface EventRack {
  readonly supplies: readonly { readonly id: string; readonly capacityW: number }[]
  readonly loads: readonly { readonly id: string; readonly powerW: number }[]
  readonly switches: readonly { readonly supply: string; readonly bus: string }[]
}

/** One controller event for `rack`, as a function of its time (sequences assign increasing times). */
export const controllerEventArb = (rack: EventRack): fc.Arbitrary<(atMs: number) => ControllerEvent> => {
  const supplyIds = rack.supplies.map((s) => s.id)
  const loads = rack.loads
  const arbs: { weight: number; arbitrary: fc.Arbitrary<(atMs: number) => ControllerEvent> }[] = [
    { weight: 4, arbitrary: fc.constant((atMs: number): ControllerEvent => ({ _tag: 'Tick', atMs })) },
  ]
  if (supplyIds.length > 0) {
    arbs.push(
      {
        weight: 6,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...supplyIds),
            fc.oneof(
              { weight: 4, arbitrary: fc.constant<readonly string[]>([]) },
              { weight: 3, arbitrary: fc.constantFrom(...typicalFlagProfiles) },
            ),
            supplyReadingsArb(),
          )
          .map(
            ([supply, flags, readings]) =>
              (atMs: number) =>
                telemetryEvent(supply, atMs, flags, readings),
          ),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(...supplyIds), commErrorArb())
          .map(([supply, error]) => (atMs: number): ControllerEvent => ({
            _tag: 'ReadFailed',
            supply,
            atMs,
            error,
          })),
      },
      {
        weight: 1,
        arbitrary: fc.option(fc.constantFrom(...supplyIds), { nil: undefined }).map(
          (supply) =>
            (atMs: number): ControllerEvent =>
              supply === undefined ? { _tag: 'Alert', atMs } : { _tag: 'Alert', atMs, supply },
        ),
      },
    )
  }
  if (loads.length > 0) {
    arbs.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...loads), fc.double({ min: 0, max: 2, noNaN: true }))
        .map(([load, factor]) => (atMs: number): ControllerEvent => ({
          _tag: 'ServerPower',
          atMs,
          load: load.id,
          powerW: load.powerW * factor,
        })),
    })
  }
  if (rack.switches.length > 0) {
    // Results for plans the controller may or may not have issued: it must stay safe on any report.
    arbs.push({
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1, max: 20 }),
          fc.boolean(),
          fc.array(fc.boolean(), { minLength: rack.switches.length, maxLength: rack.switches.length }),
          fc.nat(),
        )
        .map(([planId, applied, closed, at]) => (atMs: number): ControllerEvent => {
          const actual = rack.switches.map((s, i) => ({
            supply: s.supply,
            bus: s.bus,
            closed: closed[i] ?? false,
          }))
          const sw = rack.switches[at % rack.switches.length] as { supply: string; bus: string }
          return applied
            ? { _tag: 'SwitchResult', atMs, result: { _tag: 'Applied', planId, actual } }
            : {
                _tag: 'SwitchResult',
                atMs,
                result: {
                  _tag: 'Aborted',
                  planId,
                  failedStep: 0,
                  step: { op: 'close', supply: sw.supply, bus: sw.bus, kind: 'relay' },
                  fault: { _tag: 'FeedbackTimeout', waitedMs: 50 },
                  restored: true,
                  actual,
                },
              }
        }),
    })
  }
  return fc.oneof(...arbs)
}

/** A time-ordered sequence of events for `rack`, gaps of 0..maxGapMs between them. */
export const eventSequenceArb = (
  rack: EventRack,
  options: {
    readonly minLength?: number
    readonly maxLength?: number
    readonly startMs?: number
    readonly maxGapMs?: number
  } = {},
): fc.Arbitrary<ControllerEvent[]> =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: options.maxGapMs ?? 2000 }), controllerEventArb(rack)), {
      minLength: options.minLength ?? 0,
      maxLength: options.maxLength ?? 100,
    })
    .map((items) => {
      let t = options.startMs ?? 0
      return items.map(([gap, make]) => {
        t += gap
        return make(t)
      })
    })
