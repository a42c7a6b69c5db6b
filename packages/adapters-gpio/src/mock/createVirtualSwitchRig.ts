/**
 * A virtual board built from a wiring: virtual expanders on a virtual I2C bus, mock GPIO lines, and the
 * physical switches they drive. A switch's commanded state comes from its drive pin's level and polarity;
 * its physical state follows the command after a per-switch delay on the injected clock; its feedback
 * input reports the physical state. Faults: welded (stays closed once closed), feedback that never
 * arrives (always reads open), stuck output (the drive pin ignores writes), expander NACKs, GPIO errors.
 * Unconfigured drive pins (still inputs) sit at the switch's open level, as board pull resistors hold them.
 */
import type { SwitchState } from '@busbar/core'
import type { SwitchBank } from '../bank/SwitchBank.js'
import type { Clock } from '../executor/Clock.js'
import { expanderRegisterMap } from '../expander/expanderRegisterMap.js'
import { withPinBit } from '../expander/portWord.js'
import type { SwitchWiring, Wiring } from '../wiring/Wiring.js'
import { closedFor, compareSwitchRefs, levelFor, switchKey } from '../wiring/Wiring.js'
import type { MockGpioLines } from './createMockGpioLines.js'
import { createMockGpioLines } from './createMockGpioLines.js'
import type { VirtualExpander } from './createVirtualExpander.js'
import { createVirtualExpander } from './createVirtualExpander.js'
import type { VirtualI2cBus } from './createVirtualI2cBus.js'
import { createVirtualI2cBus } from './createVirtualI2cBus.js'

/** Faults of one virtual switch: welded contact, feedback that never arrives, drive pin stuck. */
export interface VirtualSwitchFaults {
  /** Once physically closed, the switch stays closed whatever it is commanded (welded relay contact). */
  readonly welded?: boolean
  /** The feedback input always reads open. */
  readonly feedbackNeverArrives?: boolean
  /** The drive pin stays at the level it has when the fault is injected. */
  readonly stuckOutput?: boolean
}

/** A virtual switch physically changing state at a time on the rig's clock (ms). */
export interface PhysicalEvent {
  readonly atMs: number
  readonly supply: string
  readonly bus: string
  readonly closed: boolean
}

/**
 * A supply found physically closed onto more than one bus at a time (ms): the unsafe state the executor must
 * never reach.
 */
export interface Bridge {
  readonly atMs: number
  readonly supply: string
  readonly buses: readonly string[]
}

/**
 * How to build a virtual rig: the clock, per-switch physical delays, the configured start state, and faults.
 */
export interface VirtualSwitchRigOptions {
  readonly clock: Clock
  /** Physical delay per switch in ms (default 0), keyed by (supply, bus). */
  readonly delayMs?: (ref: { readonly supply: string; readonly bus: string }) => number
  /**
   * Start as if a previous controller had configured the board (drive pins outputs, feedback pins
   * inputs) with these switches closed. Without it, the expanders are at their power-up values.
   */
  readonly configuredWithClosed?: readonly { readonly supply: string; readonly bus: string }[]
  readonly faults?: ReadonlyMap<string, VirtualSwitchFaults>
}

/**
 * A virtual board for a wiring: its bank for the executor, plus the physical state and history for
 * assertions.
 */
export interface VirtualSwitchRig {
  readonly bus: VirtualI2cBus
  readonly gpio: MockGpioLines
  readonly expanders: ReadonlyMap<string, VirtualExpander>
  /** The bank to hand to `startSwitchBank` / `executePlan`. */
  readonly bank: SwitchBank
  /** Which switches are physically closed now, sorted by (supply, bus). */
  physicalState(): SwitchState[]
  /** Which switches their drive pins command closed now. */
  commandedState(): SwitchState[]
  /** Every physical change so far, in time order (opens before closes at equal times). */
  physicalHistory(): PhysicalEvent[]
  /** The first instant a supply was physically closed onto two buses, if any. */
  findBridge(): Bridge | undefined
  /** Every instant a supply became physically closed onto more buses than before while already on one. */
  findBridges(): Bridge[]
  /** Changes still under way (a switch moving towards its command). */
  pendingChanges(): number
  /** The switches still moving, with the state each is moving to. */
  movingSwitches(): SwitchState[]
  setFaults(ref: { readonly supply: string; readonly bus: string }, faults: VirtualSwitchFaults): void
  /** Called after every write or line set, once the physical model has caught up. */
  onChange(listener: () => void): () => void
}

interface SwitchModel {
  readonly wiring: SwitchWiring
  physical: boolean
  pending: { readonly closed: boolean; readonly atMs: number } | undefined
  faults: VirtualSwitchFaults
}

/** Builds the virtual expanders, I2C bus, GPIO lines and physical switches a wiring describes. */
export const createVirtualSwitchRig = (
  wiring: Wiring,
  options: VirtualSwitchRigOptions,
): VirtualSwitchRig => {
  const { clock } = options
  const delayMs = options.delayMs ?? (() => 0)
  const bus = createVirtualI2cBus()
  const expanders = new Map<string, VirtualExpander>()
  for (const e of wiring.expanders) {
    const expander = createVirtualExpander(e.kind)
    expanders.set(e.id, expander)
    bus.attach(e.address, expander)
  }
  const gpioOutputs: number[] = []
  const gpioInputs: number[] = []
  for (const sw of wiring.switches) {
    if (sw.output._tag === 'GpioLine') gpioOutputs.push(sw.output.offset)
    if (sw.feedback?.input._tag === 'GpioLine') gpioInputs.push(sw.feedback.input.offset)
  }
  const initiallyClosed = new Set((options.configuredWithClosed ?? []).map(switchKey))
  const gpioInitial = new Map<number, boolean>()
  for (const sw of wiring.switches)
    if (sw.output._tag === 'GpioLine')
      gpioInitial.set(sw.output.offset, levelFor(sw.polarity, initiallyClosed.has(switchKey(sw))))
  const gpio = createMockGpioLines({ outputs: gpioOutputs, inputs: gpioInputs, initial: gpioInitial })

  const models = wiring.switches.map((sw): SwitchModel => ({
    wiring: sw,
    physical: initiallyClosed.has(switchKey(sw)),
    pending: undefined,
    faults: options.faults?.get(switchKey(sw)) ?? {},
  }))
  const history: PhysicalEvent[] = []
  const startMs = clock.nowMs()
  const initialPhysical = models.map((m) => ({
    supply: m.wiring.supply,
    bus: m.wiring.bus,
    closed: m.physical,
  }))

  // Board wiring of inputs: drive pins still configured as inputs sit at the open level (pull resistors);
  // feedback inputs report the physical switch.
  const driveByPin = new Map<string, SwitchModel>()
  const feedbackByPin = new Map<string, SwitchModel>()
  const pinKey = (expander: string, pin: number): string => `${expander}#${pin}`
  for (const m of models) {
    if (m.wiring.output._tag === 'ExpanderPin')
      driveByPin.set(pinKey(m.wiring.output.expander, m.wiring.output.pin), m)
    const input = m.wiring.feedback?.input
    if (input?._tag === 'ExpanderPin') feedbackByPin.set(pinKey(input.expander, input.pin), m)
  }
  const feedbackLevel = (m: SwitchModel): boolean => {
    sync()
    const fb = m.wiring.feedback
    if (fb === undefined) return true
    return levelFor(fb.polarity, m.faults.feedbackNeverArrives === true ? false : m.physical)
  }
  for (const [id, expander] of expanders) {
    expander.inputLevel = (pin) => {
      const drive = driveByPin.get(pinKey(id, pin))
      if (drive !== undefined) return levelFor(drive.wiring.polarity, false)
      const fb = feedbackByPin.get(pinKey(id, pin))
      return fb === undefined ? true : feedbackLevel(fb)
    }
  }
  const gpioFeedback = new Map(
    models.flatMap((m) =>
      m.wiring.feedback?.input._tag === 'GpioLine' ? [[m.wiring.feedback.input.offset, m] as const] : [],
    ),
  )
  gpio.inputLevel = (offset) => {
    const m = gpioFeedback.get(offset)
    return m === undefined ? false : feedbackLevel(m)
  }

  // A previous controller's configuration, when asked for.
  if (options.configuredWithClosed !== undefined) {
    for (const e of wiring.expanders) {
      const expander = expanders.get(e.id) as VirtualExpander
      const map = expanderRegisterMap(e.kind)
      let latch = map.powerUp.outputLatch
      let direction = map.powerUp.direction
      for (const m of models) {
        const out = m.wiring.output
        if (out._tag === 'ExpanderPin' && out.expander === e.id) {
          latch = withPinBit(latch, out.pin, levelFor(m.wiring.polarity, m.physical))
          direction = withPinBit(direction, out.pin, false)
        }
      }
      expander.preset(map.outputLatch, latch & 0xff)
      expander.preset(map.outputLatch + 1, latch >>> 8)
      expander.preset(map.direction, direction & 0xff)
      expander.preset(map.direction + 1, direction >>> 8)
    }
  }

  const driveLevel = (m: SwitchModel): boolean => {
    const out = m.wiring.output
    return out._tag === 'GpioLine'
      ? gpio.level(out.offset)
      : (expanders.get(out.expander) as VirtualExpander).pinLevel(out.pin)
  }
  const commanded = (m: SwitchModel): boolean => closedFor(m.wiring.polarity, driveLevel(m))

  let syncing = false
  /** Realise due physical changes, then follow any new command. */
  function sync(): void {
    if (syncing) return
    syncing = true
    try {
      const now = clock.nowMs()
      for (const m of models) {
        if (m.pending !== undefined && m.pending.atMs <= now) {
          realise(m, m.pending.closed, m.pending.atMs)
          m.pending = undefined
        }
      }
      for (const m of models) {
        let target = commanded(m)
        if (m.faults.welded === true && m.physical) target = true
        const heading = m.pending?.closed ?? m.physical
        if (target === heading) continue
        if (target === m.physical) {
          m.pending = undefined
          continue
        }
        const delay = Math.max(0, delayMs(m.wiring))
        if (delay === 0) realise(m, target, now)
        else m.pending = { closed: target, atMs: now + delay }
      }
    } finally {
      syncing = false
    }
  }
  const realise = (m: SwitchModel, closed: boolean, atMs: number): void => {
    if (m.physical === closed) return
    m.physical = closed
    history.push({ atMs, supply: m.wiring.supply, bus: m.wiring.bus, closed })
  }

  const listeners = new Set<() => void>()
  const changed = (): void => {
    sync()
    for (const listener of listeners) listener()
  }
  bus.onWrite(changed)
  gpio.onSet(changed)

  const sortedHistory = (): PhysicalEvent[] =>
    [...history].sort((a, b) => a.atMs - b.atMs || Number(a.closed) - Number(b.closed))

  const findBridges = (): Bridge[] => {
    sync()
    const bridges: Bridge[] = []
    const closed = new Map<string, Set<string>>()
    const apply = (atMs: number, e: { supply: string; bus: string; closed: boolean }): void => {
      const buses = closed.get(e.supply) ?? new Set<string>()
      if (e.closed) buses.add(e.bus)
      else buses.delete(e.bus)
      closed.set(e.supply, buses)
      if (e.closed && buses.size > 1) bridges.push({ atMs, supply: e.supply, buses: [...buses].sort() })
    }
    for (const e of initialPhysical) apply(startMs, e)
    for (const e of sortedHistory()) apply(e.atMs, e)
    return bridges
  }

  const rig: VirtualSwitchRig = {
    bus,
    gpio,
    expanders,
    bank: { wiring, i2c: bus, gpio },
    physicalState: () => {
      sync()
      return models
        .map((m) => ({ supply: m.wiring.supply, bus: m.wiring.bus, closed: m.physical }))
        .sort(compareSwitchRefs)
    },
    commandedState: () =>
      models
        .map((m) => ({ supply: m.wiring.supply, bus: m.wiring.bus, closed: commanded(m) }))
        .sort(compareSwitchRefs),
    physicalHistory: () => {
      sync()
      return sortedHistory()
    },
    findBridge: () => findBridges()[0],
    findBridges: () => findBridges(),
    pendingChanges: () => {
      sync()
      return models.filter((m) => m.pending !== undefined).length
    },
    movingSwitches: () => {
      sync()
      return models
        .flatMap((m) =>
          m.pending === undefined
            ? []
            : [{ supply: m.wiring.supply, bus: m.wiring.bus, closed: m.pending.closed }],
        )
        .sort(compareSwitchRefs)
    },
    setFaults: (ref, faults) => {
      const m = models.find((x) => switchKey(x.wiring) === switchKey(ref))
      if (m === undefined) throw new Error(`virtual rig: no switch (${ref.supply}, ${ref.bus}) in the wiring`)
      sync()
      if (faults.stuckOutput === true) {
        const out = m.wiring.output
        if (out._tag === 'GpioLine') gpio.faults.stuckLines.set(out.offset, gpio.level(out.offset))
        else {
          const expander = expanders.get(out.expander) as VirtualExpander
          expander.faults.stuckPins.set(out.pin, expander.pinLevel(out.pin))
        }
      }
      m.faults = { ...m.faults, ...faults }
      sync()
    },
    onChange: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  // Stuck outputs given up front take the level the pins have now.
  for (const m of models) if (m.faults.stuckOutput === true) rig.setFaults(m.wiring, { stuckOutput: true })
  return rig
}
