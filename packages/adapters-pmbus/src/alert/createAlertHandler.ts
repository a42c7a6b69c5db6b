/**
 * SMBALERT# (claims 6, 23): on the line's assertion, read the Alert Response Address 0x0C (one byte;
 * the device address is byte >> 1) on each bus segment, repeatedly, since the lowest address wins
 * arbitration and the others keep asserting. It stops when the line releases or after `maxAraReads`
 * reads (a stuck device must not hold the handler). If the line is still asserted when no segment
 * answers (some parts assert SMBALERT# but never answer the ARA) or when the bound is hit (a part that
 * keeps winning arbitration hides the others), it sweeps STATUS_WORD on every supply and names those
 * with a non-zero status. Each supply is named at most once per handling; when no one can be named (or
 * an unknown address answered), one `Alert` without a supply is emitted so the controller still polls.
 * A failed sweep read is a `ReadFailed`. Time only from `nowMs`; no sleeps.
 *
 * Behind a PCA9548 the ARA reaches only the selected channel, so each channel with supplies gets its own
 * ARA read (the mux decorator selects it); before the root segment's ARA every mux is closed, so only root
 * devices answer there. An address answering on a channel is looked up on that channel first, then on the
 * root segment, whose devices see every ARA.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, ControllerEvent } from '@busbar/core'
import { ALERT_RESPONSE_ADDRESS, PmbusCommand as C } from '../codec/commands.js'
import { pec } from '../codec/pec.js'
import { smbusDevice } from '../smbus/smbusDevice.js'
import type { BusSegment, SupplyBus } from '../supply/createSupplyBus.js'
import type { AlertLine } from './AlertLine.js'

/** What the alert handler needs: the supply bus, the SMBALERT# line, a clock (ms), and ARA read bounds. */
export interface AlertHandlerOptions {
  readonly bus: SupplyBus
  readonly line: AlertLine
  readonly nowMs: () => number
  /** The bound on ARA reads per handling. Default: 2 per supply, at least 8. */
  readonly maxAraReads?: number
  /** Read the ARA with PEC (two bytes, checked). Default false. */
  readonly araPec?: boolean
}

/**
 * Turns SMBALERT# assertions into core `Alert` (and `ReadFailed`) events, once per call or on every
 * assertion.
 */
export interface AlertHandler {
  /** One handling of an assertion: ARA loop, sweep fallback; returns the events. */
  handle(): Promise<readonly ControllerEvent[]>
  /** Handles every assertion of the line, passing each handling's events to `emit`; returns stop. */
  start(emit: (events: readonly ControllerEvent[]) => void): () => void
  /** ARA reads in the last handling (for tests and diagnostics). */
  lastAraReads(): number
}

/**
 * Builds an alert handler that names asserting supplies through the Alert Response Address, with a
 * STATUS_WORD sweep as fallback.
 */
export const createAlertHandler = (options: AlertHandlerOptions): AlertHandler => {
  const { bus, line, nowMs } = options
  const maxAraReads = options.maxAraReads ?? Math.max(8, 2 * bus.ids.length)
  if (!Number.isInteger(maxAraReads) || maxAraReads < 1) {
    throw new RangeError(`createAlertHandler: maxAraReads must be an integer >= 1, got ${maxAraReads}`)
  }
  const araPec = options.araPec ?? false
  let araReads = 0

  const readAra = async (segment: BusSegment): Promise<Either<CommError, number>> => {
    // On the root segment, a channel left selected would let its devices answer too, and their address
    // would be taken for a root supply's: read through the transport that closes every mux first, in the
    // muxes' queue (a concurrent poll cannot open a channel in between).
    const transport = segment.mux === undefined ? bus.rootClosed : segment.transport
    const result = await transport.read(ALERT_RESPONSE_ADDRESS, araPec ? 2 : 1)
    if (E.isLeft(result)) return result
    const byte = result.right[0]
    if (byte === undefined)
      return E.left({
        _tag: 'InvalidResponse',
        address: ALERT_RESPONSE_ADDRESS,
        detail: 'empty ARA response',
      })
    if (araPec) {
      const expected = pec([(ALERT_RESPONSE_ADDRESS << 1) | 1, byte])
      const actual = result.right[1] ?? 0
      if (expected !== actual)
        return E.left({ _tag: 'PecMismatch', address: ALERT_RESPONSE_ADDRESS, expected, actual })
    }
    return E.right(byte >> 1)
  }

  // A line we cannot read counts as still asserted: the safe side is to keep looking.
  const lineAsserted = async (): Promise<boolean> => E.getOrElse(() => true)(await line.isAsserted())

  const sweep = async (named: Set<string>): Promise<ControllerEvent[]> => {
    const events: ControllerEvent[] = []
    for (const id of bus.ids) {
      const binding = bus.binding(id)
      const transport = bus.transportFor(id)
      if (binding === undefined || transport === undefined) continue
      const identity = bus.identity(id)
      const dev = smbusDevice(transport, {
        address: binding.address,
        pec: identity === undefined ? false : bus.profile(identity, id).pec,
      })
      const word = await dev.readWord(C.STATUS_WORD)
      if (E.isLeft(word)) {
        bus.forget(id)
        events.push({ _tag: 'ReadFailed', supply: id, atMs: nowMs(), error: word.left })
      } else if (word.right !== 0 && !named.has(id)) {
        named.add(id)
        events.push({ _tag: 'Alert', atMs: nowMs(), supply: id })
      }
    }
    return events
  }

  const handle = async (): Promise<readonly ControllerEvent[]> => {
    araReads = 0
    const named = new Set<string>()
    const events: ControllerEvent[] = []
    let anonymous = false
    let released = false
    let quiet = false
    passes: while (!quiet && araReads < maxAraReads) {
      quiet = true
      for (const segment of bus.segments) {
        while (araReads < maxAraReads) {
          araReads++
          const address = await readAra(segment)
          // NoAck: nobody on this segment is asserting and answering; other errors: same, move on.
          if (E.isLeft(address)) break
          quiet = false
          const id = bus.supplyAt(segment, address.right)
          if (id === undefined) anonymous = true
          else if (!named.has(id)) {
            named.add(id)
            events.push({ _tag: 'Alert', atMs: nowMs(), supply: id })
          }
          if (!(await lineAsserted())) {
            released = true
            break passes
          }
        }
      }
    }
    // Still asserted after a pass nobody answered, or after the bound (a device that keeps winning the
    // arbitration would hide the others): sweep STATUS_WORD.
    if (!released && (await lineAsserted())) events.push(...(await sweep(named)))
    // An answer from an address we have no supply for, or nobody named at all: one anonymous Alert.
    if (anonymous || named.size === 0) events.push({ _tag: 'Alert', atMs: nowMs() })
    return events
  }

  return {
    handle,
    lastAraReads: () => araReads,
    start: (emit) => {
      let running = false
      let again = false
      const run = async (): Promise<void> => {
        running = true
        try {
          do {
            again = false
            try {
              emit(await handle())
            } catch {
              // handle() returns errors as values; should anything throw, still tell the controller.
              emit([{ _tag: 'Alert', atMs: nowMs() }])
            }
          } while (again)
        } finally {
          running = false
        }
      }
      return line.onAssert(() => {
        if (running) again = true
        else void run()
      })
    },
  }
}
