/**
 * Pure. From what an expander actually holds (read first, never assumed) and which of its pins drive
 * switches or read feedback, the register writes that make it safe and ready, in a safe order:
 * output latch first, direction second, so no pin turns into an output at a closing level it was not
 * already driving. Pins that already drive a switch keep their latched level: a controller restart with
 * switches closed keeps them closed (the bus is not dropped).
 */
import type { Polarity } from '../wiring/Wiring.js'
import { levelFor } from '../wiring/Wiring.js'
import type { ExpanderRegisterMap } from './expanderRegisterMap.js'
import type { ExpanderSnapshot } from './readExpanderSnapshot.js'
import { encodePortWrite, pinBit, withPinBit } from './portWord.js'

/** Which pins of one expander the wiring uses: switch drive outputs (with polarity) and feedback inputs. */
export interface ExpanderPinUse {
  /** Pins that drive a switch, with the switch's polarity. */
  readonly outputs: readonly { readonly pin: number; readonly polarity: Polarity }[]
  /** Pins that read feedback. */
  readonly inputs: readonly number[]
}

/** The register words an expander should end up with and the ordered frames that write them. */
export interface ExpanderStartupPlan {
  readonly outputLatch: number
  readonly direction: number
  /** Frames to write, in order (empty when the expander is already configured as wanted). */
  readonly writes: readonly Uint8Array[]
  /** Output pins that were already outputs: their level was kept. */
  readonly keptPins: readonly number[]
  /** Output pins that were inputs and are now driven to the open level. */
  readonly openedPins: readonly number[]
}

/**
 * Pure. The writes that configure an expander from what it holds now, keeping driven pins' levels and opening
 * new outputs first.
 */
export const planExpanderStartup = (
  map: ExpanderRegisterMap,
  snapshot: ExpanderSnapshot,
  use: ExpanderPinUse,
): ExpanderStartupPlan => {
  let outputLatch = snapshot.outputLatch
  let direction = snapshot.direction
  const keptPins: number[] = []
  const openedPins: number[] = []
  for (const { pin, polarity } of use.outputs) {
    const alreadyOutput = !pinBit(snapshot.direction, pin)
    if (alreadyOutput) keptPins.push(pin)
    else {
      outputLatch = withPinBit(outputLatch, pin, levelFor(polarity, false))
      openedPins.push(pin)
    }
    direction = withPinBit(direction, pin, false)
  }
  for (const pin of use.inputs) direction = withPinBit(direction, pin, true)
  const writes: Uint8Array[] = []
  if (outputLatch !== snapshot.outputLatch) writes.push(encodePortWrite(map.outputLatch, outputLatch))
  if (direction !== snapshot.direction) writes.push(encodePortWrite(map.direction, direction))
  return { outputLatch, direction, writes, keptPins, openedPins }
}
