/**
 * Polling (claims 5, 21, 22): executes core's `ReadSupply` and `ClearFaults` commands on a SupplyBus and
 * turns the results into core events: `Telemetry` on success, `ReadFailed` with the CommError otherwise.
 * A supply is identified (VOUT_MODE, PEC) on first contact and again after any failure. `ClearFaults`
 * reports the status snapshot taken before clearing as a `Telemetry` event marked `afterClearFaults`
 * (empty readings), so latched bits reach the controller without counting as a poll. Other commands are not ours: they yield no events. Time only from `nowMs`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CommError, ControllerCommand, ControllerEvent } from '@busbar/core'
import { clearSupplyFaults } from '../supply/clearSupplyFaults.js'
import type { SupplyBus } from '../supply/createSupplyBus.js'
import { readSupply, type ReadMode } from '../supply/readSupply.js'

/** What the poll runner needs: the supply bus, a clock (ms), and what a successful ClearFaults reports. */
export interface PollRunnerOptions {
  readonly bus: SupplyBus
  readonly nowMs: () => number
  /**
   * What a successful ClearFaults reports: 'snapshot' (default) a Telemetry event with the status read
   * just before clearing; 'none' nothing (for a controller that treats every complete snapshot with bits
   * set as a reason to clear again). A failure is always reported.
   */
  readonly clearFaultsReport?: 'snapshot' | 'none'
}

/** Executes core's ReadSupply / ClearFaults commands on the bus and returns the resulting core events. */
export interface PollRunner {
  /** Performs one controller command; ReadSupply / ClearFaults produce events, others none. */
  execute(command: ControllerCommand): Promise<readonly ControllerEvent[]>
  /** Reads every supply once, in ascending id order (one round of round-robin polling). */
  pollRound(mode: ReadMode): Promise<readonly ControllerEvent[]>
}

/** Builds a poll runner: `Telemetry` on a successful read, `ReadFailed` with the `CommError` otherwise. */
export const createPollRunner = ({
  bus,
  nowMs,
  clearFaultsReport = 'snapshot',
}: PollRunnerOptions): PollRunner => {
  const failed = (supply: string, atMs: number, error: CommError): ControllerEvent => {
    bus.forget(supply)
    return { _tag: 'ReadFailed', supply, atMs, error }
  }

  const read = async (supply: string, mode: ReadMode): Promise<readonly ControllerEvent[]> => {
    const startedMs = nowMs()
    const identity = await bus.identify(supply)
    if (E.isLeft(identity)) return [failed(supply, startedMs, identity.left)]
    const transport = bus.transportFor(supply)
    if (transport === undefined)
      return [
        failed(supply, startedMs, { _tag: 'BusError', detail: `supply "${supply}" has no PMBus binding` }),
      ]
    const sample = await readSupply(transport, bus.profile(identity.right, supply), supply, mode, nowMs)
    return E.isLeft(sample)
      ? [failed(supply, nowMs(), sample.left)]
      : [{ _tag: 'Telemetry', sample: sample.right }]
  }

  const clear = async (supply: string): Promise<readonly ControllerEvent[]> => {
    const startedMs = nowMs()
    const identity = await bus.identify(supply)
    if (E.isLeft(identity)) return [failed(supply, startedMs, identity.left)]
    const transport = bus.transportFor(supply)
    if (transport === undefined)
      return [
        failed(supply, startedMs, { _tag: 'BusError', detail: `supply "${supply}" has no PMBus binding` }),
      ]
    const atMs = nowMs()
    const result = await clearSupplyFaults(transport, bus.profile(identity.right, supply))
    if (E.isLeft(result)) return [failed(supply, nowMs(), result.left)]
    const snapshot: ControllerEvent[] =
      clearFaultsReport === 'snapshot'
        ? [
            {
              _tag: 'Telemetry',
              sample: { supply, atMs, status: result.right.snapshot, readings: {} },
              afterClearFaults: true,
            },
          ]
        : []
    return result.right._tag === 'Cleared'
      ? snapshot
      : [...snapshot, failed(supply, nowMs(), result.right.error)]
  }

  return {
    execute: async (command) => {
      switch (command._tag) {
        case 'ReadSupply':
          return read(command.supply, command.mode)
        case 'ClearFaults':
          return clear(command.supply)
        default:
          return []
      }
    },
    pollRound: async (mode) => {
      const events: ControllerEvent[] = []
      for (const id of bus.ids) events.push(...(await read(id, mode)))
      return events
    },
  }
}
