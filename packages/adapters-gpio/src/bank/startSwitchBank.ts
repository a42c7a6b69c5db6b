/**
 * Brings a switch bank up safely after power-up or a controller restart. Reads every expander first;
 * pins already driving a switch keep their level (closed switches stay closed, the bus is not dropped);
 * pins not yet outputs get the open level in the latch BEFORE they become outputs; feedback pins become
 * inputs. Then reads everything back and reports the actual state.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import type { SwitchState } from '@busbar/core'
import { expanderRegisterMap } from '../expander/expanderRegisterMap.js'
import type { ExpanderPinUse } from '../expander/planExpanderStartup.js'
import { planExpanderStartup } from '../expander/planExpanderStartup.js'
import { readExpanderSnapshot, writePortWord } from '../expander/readExpanderSnapshot.js'
import type { Wiring } from '../wiring/Wiring.js'
import type { SwitchReadback } from './readSwitchBank.js'
import { readSwitchBank, switchReadbacks, toSwitchStates } from './readSwitchBank.js'
import type { SwitchBank } from './SwitchBank.js'

/**
 * Why `startSwitchBank` stopped: an I2C/GPIO transport failure, or a register that read back other than
 * written.
 */
export type StartupFault =
  | { readonly _tag: 'StartupTransportError'; readonly detail: string }
  | {
      readonly _tag: 'StartupReadbackMismatch'
      readonly expander: string
      readonly register: 'outputLatch' | 'direction'
      readonly expected: number
      readonly actual: number
    }

/**
 * What start-up did to one expander: pins whose level it kept, pins it drove open, and how many writes it
 * took.
 */
export interface ExpanderStartup {
  readonly id: string
  /** Every pin driving a switch was already an output: the expander had been configured before. */
  readonly wasConfigured: boolean
  readonly keptPins: readonly number[]
  readonly openedPins: readonly number[]
  readonly writes: number
}

/**
 * The bank as read back after start-up: per-switch readbacks, the reported switch state, and anomalies found.
 */
export interface StartupReport {
  readonly _tag: 'Started'
  readonly expanders: readonly ExpanderStartup[]
  /** Per switch, as read back after start-up. */
  readonly readbacks: readonly SwitchReadback[]
  /** The reported state (see `reportedClosed`), sorted by (supply, bus). */
  readonly state: readonly SwitchState[]
  /** Supplies reported closed onto more than one bus (kept as found: the controller must plan them apart). */
  readonly bridgedSupplies: readonly string[]
  /** Switches whose drive pin and feedback disagree (welded contact, broken feedback, switch still moving). */
  readonly feedbackDisagrees: readonly { readonly supply: string; readonly bus: string }[]
}

export const expanderPinUse = (wiring: Wiring, expanderId: string): ExpanderPinUse => {
  const outputs: { pin: number; polarity: 'activeHigh' | 'activeLow' }[] = []
  const inputs: number[] = []
  for (const sw of wiring.switches) {
    if (sw.output._tag === 'ExpanderPin' && sw.output.expander === expanderId)
      outputs.push({ pin: sw.output.pin, polarity: sw.polarity })
    const input = sw.feedback?.input
    if (input?._tag === 'ExpanderPin' && input.expander === expanderId) inputs.push(input.pin)
  }
  return { outputs, inputs }
}

/**
 * I/O. Configures every expander without dropping a closed switch (latch before direction), then reads the
 * bank back.
 */
export const startSwitchBank = async (bank: SwitchBank): Promise<Either<StartupFault, StartupReport>> => {
  const expanders: ExpanderStartup[] = []
  for (const expander of bank.wiring.expanders) {
    if (bank.i2c === undefined)
      return left({ _tag: 'StartupTransportError', detail: `expander ${expander.id}: no I2C bus given` })
    const map = expanderRegisterMap(expander.kind)
    const before = await readExpanderSnapshot(bank.i2c, expander)
    if (isLeft(before)) return left({ _tag: 'StartupTransportError', detail: before.left.detail })
    const use = expanderPinUse(bank.wiring, expander.id)
    const plan = planExpanderStartup(map, before.right, use)
    for (const frame of plan.writes) {
      const written = await writePortWord(bank.i2c, expander, frame)
      if (isLeft(written)) return left({ _tag: 'StartupTransportError', detail: written.left.detail })
    }
    const after = await readExpanderSnapshot(bank.i2c, expander)
    if (isLeft(after)) return left({ _tag: 'StartupTransportError', detail: after.left.detail })
    if (after.right.outputLatch !== plan.outputLatch)
      return left({
        _tag: 'StartupReadbackMismatch',
        expander: expander.id,
        register: 'outputLatch',
        expected: plan.outputLatch,
        actual: after.right.outputLatch,
      })
    if (after.right.direction !== plan.direction)
      return left({
        _tag: 'StartupReadbackMismatch',
        expander: expander.id,
        register: 'direction',
        expected: plan.direction,
        actual: after.right.direction,
      })
    expanders.push({
      id: expander.id,
      wasConfigured: plan.openedPins.length === 0 && use.outputs.length > 0,
      keptPins: plan.keptPins,
      openedPins: plan.openedPins,
      writes: plan.writes.length,
    })
  }
  const { snapshot, faults } = await readSwitchBank(bank)
  const firstFault = faults[0]
  if (firstFault !== undefined) return left({ _tag: 'StartupTransportError', detail: firstFault.detail })
  const readbacks = switchReadbacks(bank.wiring, snapshot)
  const state = toSwitchStates(readbacks)
  const closedBuses = new Map<string, number>()
  for (const s of state) if (s.closed) closedBuses.set(s.supply, (closedBuses.get(s.supply) ?? 0) + 1)
  const bridgedSupplies = [...closedBuses]
    .filter(([, n]) => n > 1)
    .map(([supply]) => supply)
    .sort()
  const feedbackDisagrees = readbacks
    .filter((r) => r.feedbackClosed !== undefined && r.feedbackClosed !== r.driveClosed)
    .map((r) => ({ supply: r.supply, bus: r.bus }))
  return right({ _tag: 'Started', expanders, readbacks, state, bridgedSupplies, feedbackDisagrees })
}
