/**
 * The virtual hardware of one rack, driven through the real adapters exactly as firmware would wire
 * them: @busbar/adapters-pmbus's supply bus (PCA9548 decorator), poll runner and SMBALERT# handler,
 * and @busbar/adapters-gpio's plan executor over the switch expanders, all on one I2C segment whose
 * transactions cost simulated bus time (createTimedTransport).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ControllerCommand, ControllerEvent, PlanExecutionResult, SwitchStep } from '@busbar/core'
import { createAlertHandler, createPollRunner, createSupplyBus } from '@busbar/adapters-pmbus'
import type { SupplyBinding } from '@busbar/adapters-pmbus'
import { executePlan } from '@busbar/adapters-gpio'
import type { Clock, SwitchBank } from '@busbar/adapters-gpio'
import type { RackWorld } from '../rack/createRackWorld.js'
import { createTimedTransport } from './createTimedTransport.js'
import { createVirtualRack, muxAddress } from './createVirtualRack.js'

export interface SimHardware {
  /** Perform a ReadSupply or ClearFaults through the PMBus adapter; its resulting events. */
  readonly pmbus: (
    command: Extract<ControllerCommand, { _tag: 'ReadSupply' | 'ClearFaults' }>,
  ) => Promise<readonly ControllerEvent[]>
  /** Execute switch steps through the GPIO adapter's plan executor. */
  readonly applyPlan: (planId: number, steps: readonly SwitchStep[]) => Promise<PlanExecutionResult>
  /** SMBALERT# asserted since the last handling (always false when polling only). */
  readonly alertPending: () => boolean
  /**
   * After skipped polls: read the last skipped visit's supply again (its status: the same mux channel)
   * with no bus time and no clock, so the mux selection and the adapters' caches are what those polls
   * would have left (results dropped).
   */
  readonly replayVisit: (supply: string) => Promise<void>
  /** Run the SMBALERT# handler (ARA, then a sweep if needed): its events. */
  readonly alertEvents: () => Promise<readonly ControllerEvent[]>
  readonly busTimeMs: () => number
  /**
   * A supply's registers changed, physically or by a transaction (what a poll of it would return may be
   * different now).
   */
  readonly onSupplyChanged: (listener: (supply: string, beyondReadings: boolean) => void) => void
}

export const createSimHardware = (
  world: RackWorld,
  options: { readonly alerts: 'polling' | 'interrupt' },
): SimHardware => {
  const rack = createVirtualRack(world)
  const clock = { now: world.now, advanceTo: world.advanceTo }
  const transport = createTimedTransport(rack.root.transport, clock, world.scenario.control.i2cKHz)
  const bindings: Record<string, SupplyBinding> = {}
  for (const [id, p] of rack.placement)
    bindings[id] = { address: p.address, mux: { address: muxAddress, channel: p.channel } }
  const bus = createSupplyBus(transport, bindings)
  if (E.isLeft(bus)) throw new Error(`supply bus wiring is invalid: ${bus.left.join('; ')}`)
  const nowMs = (): number => world.now()
  const runner = createPollRunner({ bus: bus.right, nowMs })
  const alertHandler = createAlertHandler({ bus: bus.right, line: rack.alertLine.line, nowMs })
  let pending = false
  if (options.alerts === 'interrupt')
    rack.alertLine.line.onAssert(() => {
      pending = true
    })
  const execClock: Clock = {
    nowMs,
    sleepMs: async (ms) => world.advanceTo(world.now() + Math.max(0, ms)),
  }
  const bank: SwitchBank = { wiring: rack.wiring, i2c: transport }
  // A transaction can change a supply's latched status too (CLEAR_FAULTS drops the bits of an ended
  // condition; a protocol error latches CML): reported like a physical change. A clear that re-latches
  // the same bits (the condition persists) changes nothing a poll could see.
  const changeListeners: ((supply: string, beyondReadings: boolean) => void)[] = []
  rack.onSupplyChanged((supply, beyondReadings) => {
    for (const l of changeListeners) l(supply, beyondReadings)
  })
  const sameLatched = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean => {
    for (const key of Object.keys(a)) if (a[key] !== b[key]) return false
    return true
  }
  return {
    pmbus: async (command) => {
      const device = rack.supplies.get(command.supply)
      if (device === undefined) return runner.execute(command)
      const before = device.statusRegisters()
      const events = await runner.execute(command)
      if (!sameLatched(before, device.statusRegisters()))
        for (const l of changeListeners) l(command.supply, true)
      return events
    },
    applyPlan: (planId, steps) => executePlan(steps, { planId, bank, clock: execClock }),
    replayVisit: async (supply) => {
      const device = rack.supplies.get(supply)
      const before = device?.statusRegisters()
      // A status read selects the same mux channel as the poll's full read (its first transaction) and
      // leaves the same caches (the identity is cached in a quiet stretch); it is about a third of it.
      await transport.untimed(() => runner.execute({ _tag: 'ReadSupply', supply, mode: 'status' }))
      // A read that latches something (a CML bit) changes what the next poll returns, as for real reads.
      if (device !== undefined && before !== undefined && !sameLatched(before, device.statusRegisters()))
        for (const l of changeListeners) l(supply, true)
    },
    alertPending: () => pending,
    alertEvents: async () => {
      pending = false
      const before = [...rack.supplies].map(([id, device]) => ({
        id,
        device,
        latched: device.statusRegisters(),
      }))
      const events = await alertHandler.handle()
      for (const { id, device, latched } of before)
        if (!sameLatched(latched, device.statusRegisters())) for (const l of changeListeners) l(id, true)
      return events
    },
    busTimeMs: transport.busTimeMs,
    onSupplyChanged: (l) => void changeListeners.push(l),
  }
}
