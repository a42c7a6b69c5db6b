/**
 * Builds the rack's virtual hardware from the adapters' mocks and keeps it in step with the physical
 * world: PMBus supplies (registers follow the world's supply views) behind a PCA9548 on one I2C
 * segment, their SMBALERT# wired-OR, and PCA9555 expanders on the same segment whose output pins drive
 * the world's switches and whose input pins read the switches' feedback contacts.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import {
  createVirtualAlertLine,
  createVirtualBus,
  createVirtualPca9548,
  createVirtualSupply,
} from '@busbar/adapters-pmbus/mock'
import type {
  VirtualAlertLine,
  VirtualBus,
  VirtualI2cDevice,
  VirtualSupply,
} from '@busbar/adapters-pmbus/mock'
import { createVirtualExpander } from '@busbar/adapters-gpio/mock'
import type { VirtualExpander } from '@busbar/adapters-gpio/mock'
import { expanderRegisterMap } from '@busbar/adapters-gpio'
import type { SwitchWiring, Wiring } from '@busbar/adapters-gpio'
import type { RackWorld } from '../rack/createRackWorld.js'
import type { SupplyView } from '../faults/supplyTelemetry.js'

export const muxAddress = 0x70
/** Drive expanders from 0x20 up, feedback expanders after them. */
export const firstExpanderAddress = 0x20

export interface VirtualRack {
  readonly root: VirtualBus
  readonly supplies: ReadonlyMap<string, VirtualSupply>
  readonly alertLine: VirtualAlertLine
  readonly wiring: Wiring
  /** Supply id -> where it sits. */
  readonly placement: ReadonlyMap<string, { readonly address: number; readonly channel: number }>
  /**
   * Called with a supply's id whenever its registers change (status, readings, or answering at all), and
   * whether more than its readings changed.
   */
  readonly onSupplyChanged: (listener: (supply: string, beyondReadings: boolean) => void) => void
}

/** gpio's target result -> pmbus's device Either. */
const asDevice = (address: number, x: VirtualExpander, afterWrite: () => void): VirtualI2cDevice => {
  const nack = (): CommError => ({ _tag: 'NoAck', address, detail: 'expander NACK' })
  return {
    write: (bytes): Either<CommError, void> => {
      const r = x.write(bytes)
      afterWrite()
      return r.ok ? E.right(undefined) : E.left(nack())
    },
    read: (length) => {
      const r = x.read(length)
      return r.ok ? E.right(r.value) : E.left(nack())
    },
    writeRead: (bytes, length) => {
      const r = x.writeRead(bytes, length)
      return r.ok ? E.right(r.value) : E.left(nack())
    },
  }
}

/** Same flat record of numbers, booleans or undefined (NaN equal to itself, as a register would read). */
const sameFields = (a: object, b: object): boolean => {
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  const keys = Object.keys(x)
  if (keys.length !== Object.keys(y).length) return false
  for (const k of keys) {
    const u = x[k]
    const v = y[k]
    if (u !== v && !(u !== u && v !== v)) return false
    if (u === undefined && !Object.hasOwn(y, k)) return false
  }
  return true
}

/** The same view: silent both, or the same status and readings. */
const sameView = (a: SupplyView | undefined, b: SupplyView | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : sameFields(a.status, b.status) && sameFields(a.readings, b.readings)

export const createVirtualRack = (world: RackWorld): VirtualRack => {
  const scenario = world.scenario
  const root = createVirtualBus('i2c-1')
  const mux = createVirtualPca9548(muxAddress)
  root.attach(muxAddress, mux)
  const alertLine = createVirtualAlertLine(() => world.now())
  const supplies = new Map<string, VirtualSupply>()
  const placement = new Map<string, { address: number; channel: number }>()
  for (const s of scenario.supplies) {
    const vs = createVirtualSupply({ address: s.address, capacityW: s.capacityW })
    mux.channel(s.muxChannel).attach(s.address, vs)
    alertLine.connect(vs)
    supplies.set(s.id, vs)
    placement.set(s.id, { address: s.address, channel: s.muxChannel })
  }

  // Switch wiring: switch i drives pin i % 16 of drive expander i / 16 (active high); its feedback
  // contact reads the same pin of the matching feedback expander.
  const sorted = [...scenario.switches].sort((a, b) =>
    a.supply < b.supply ? -1 : a.supply > b.supply ? 1 : a.bus < b.bus ? -1 : a.bus > b.bus ? 1 : 0,
  )
  const banks = Math.ceil(sorted.length / 16)
  const expanders = Array.from({ length: banks * 2 }, (_, i) => ({
    id: i < banks ? `drive${i}` : `feedback${i - banks}`,
    kind: 'pca9555' as const,
    address: firstExpanderAddress + i,
  }))
  const switchWiring: SwitchWiring[] = sorted.map((w, i) => ({
    supply: w.supply,
    bus: w.bus,
    kind: w.kind,
    output: { _tag: 'ExpanderPin', expander: `drive${Math.floor(i / 16)}`, pin: i % 16 },
    polarity: 'activeHigh',
    feedback: {
      input: { _tag: 'ExpanderPin', expander: `feedback${Math.floor(i / 16)}`, pin: i % 16 },
      polarity: 'activeHigh',
    },
  }))
  const wiring: Wiring = { expanders, switches: switchWiring }

  const map = expanderRegisterMap('pca9555')
  for (let b = 0; b < banks; b++) {
    const drive = createVirtualExpander('pca9555')
    const feedback = createVirtualExpander('pca9555')
    const mine = sorted.map((w, i) => ({ w, i })).filter(({ i }) => Math.floor(i / 16) === b)
    // The controller takes over a running rack: drive pins are already outputs holding today's state.
    let latch = 0
    let outputs = 0xffff
    for (const { w, i } of mine) {
      if (w.closed) latch |= 1 << (i % 16)
      outputs &= ~(1 << (i % 16))
    }
    drive.preset(map.outputLatch, latch & 0xff)
    drive.preset(map.outputLatch + 1, (latch >>> 8) & 0xff)
    drive.preset(map.direction, outputs & 0xff)
    drive.preset(map.direction + 1, (outputs >>> 8) & 0xff)
    feedback.inputLevel = (pin) => {
      const entry = mine.find(({ i }) => i % 16 === pin)
      return entry === undefined ? false : world.switchClosed(entry.w.supply, entry.w.bus)
    }
    const afterDriveWrite = (): void => {
      for (const { w, i } of mine) world.commandSwitch(w.supply, w.bus, drive.pinLevel(i % 16))
    }
    root.attach(firstExpanderAddress + b, asDevice(firstExpanderAddress + b, drive, afterDriveWrite))
    root.attach(
      firstExpanderAddress + banks + b,
      asDevice(firstExpanderAddress + banks + b, feedback, () => undefined),
    )
  }

  // Registers follow the world: only supplies whose view changed are touched.
  const lastView = new Map<string, SupplyView | undefined>()
  const changeListeners: ((supply: string, beyondReadings: boolean) => void)[] = []
  const sync = (): void => {
    for (const s of scenario.supplies) {
      const vs = supplies.get(s.id)!
      const view = world.supplyView(s.id)
      const before = lastView.get(s.id)
      if (lastView.has(s.id) && sameView(before, view)) continue
      lastView.set(s.id, view)
      const readingsOnly =
        before !== undefined && view !== undefined && sameFields(before.status, view.status)
      for (const l of changeListeners) l(s.id, !readingsOnly)
      if (view === undefined) {
        vs.setResponding(false)
        continue
      }
      vs.setResponding(true)
      vs.setReadings(view.readings)
      const st = view.status
      vs.setCondition('inputLoss', st.unitOffLowInput)
      vs.setCondition('voutUvFault', st.voutUvFault)
      vs.setCondition('voutUvWarning', st.voutUvWarning)
      vs.setCondition('overTemperatureWarning', st.otWarning)
      vs.setCondition('overTemperatureFault', st.otFault)
      vs.setCondition('fan1Warning', st.fan1Warning)
      vs.setCondition('fan1Fault', st.fan1Fault)
      vs.setCondition('ioutOcWarning', st.ioutOcWarning)
      // A failed supply whose fault bits say nothing else still has its output off.
      vs.setCondition('outputOff', st.off && !st.unitOffLowInput && !st.voutUvFault)
    }
  }
  sync()
  world.onChange(sync)
  return {
    root,
    supplies,
    alertLine,
    wiring,
    placement,
    onSupplyChanged: (l) => void changeListeners.push(l),
  }
}
