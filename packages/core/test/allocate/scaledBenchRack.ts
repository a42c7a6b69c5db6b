/**
 * Test support. A bench random rack with every load scaled by `scale` (above 1: racks that must shed),
 * decoded and indexed; undefined when the scaled rack does not decode.
 */
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { randomRack, type RackShape } from '../../bench/randomRack.js'

export const scaledBenchRack = (shape: RackShape, seed: number, scale: number): RackIndex | undefined => {
  const raw = randomRack(shape, seed)
  const decoded = decodeRackInput({
    ...raw,
    loads: raw.loads.map((l) => ({ ...l, powerW: Math.round(l.powerW * scale) })),
  })
  return decoded._tag === 'Left' ? undefined : indexRack(decoded.right)
}
