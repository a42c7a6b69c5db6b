/** Shared test rig: virtual supplies on a root bus and behind a virtual PCA9548, plus a SupplyBus. */
import * as E from 'fp-ts/lib/Either.js'
import { createSupplyBus, type SupplyBinding } from '../src/index.js'
import {
  createVirtualAlertLine,
  createVirtualBus,
  createVirtualPca9548,
  createVirtualSupply,
  type VirtualSupply,
  type VirtualSupplyOptions,
} from '../src/mock/index.js'

export interface RigSupply {
  readonly id: string
  readonly address: number
  /** Channel of the mux at 0x70, or undefined for the root segment. */
  readonly channel?: number
  readonly options?: Partial<VirtualSupplyOptions>
}

export const createRig = (specs: readonly RigSupply[]) => {
  let now = 0
  const nowMs = (): number => now
  const root = createVirtualBus('root')
  const mux = createVirtualPca9548(0x70)
  root.attach(0x70, mux)
  const wire = createVirtualAlertLine(nowMs)
  const supplies: Record<string, VirtualSupply> = {}
  const bindings: Record<string, SupplyBinding> = {}
  for (const s of specs) {
    const supply = createVirtualSupply({ address: s.address, capacityW: 2000, ...s.options })
    ;(s.channel === undefined ? root : mux.channel(s.channel)).attach(s.address, supply)
    wire.connect(supply)
    supplies[s.id] = supply
    bindings[s.id] = {
      address: s.address,
      ...(s.channel === undefined ? {} : { mux: { address: 0x70, channel: s.channel } }),
    }
  }
  const bus = createSupplyBus(root.transport, bindings)
  if (E.isLeft(bus)) throw new Error(bus.left.join('\n'))
  return {
    root,
    mux,
    wire,
    supplies,
    bus: bus.right,
    nowMs,
    setNow: (ms: number) => {
      now = ms
    },
    supply: (id: string): VirtualSupply => {
      const s = supplies[id]
      if (s === undefined) throw new Error(`no supply ${id}`)
      return s
    },
  }
}
