/**
 * The supplies of one I2C bus and how to reach them: supply id -> address, optionally behind a PCA9548
 * channel (claim 7). Builds one mux group for all mux addresses (shared, so the selection caches and the
 * serialisation cover every user: the poll runner and the alert handler), keeps what identify learned per
 * supply, and groups supplies by segment for the Alert Response Address. Bad bindings are reported all at
 * once, each naming the supply and field.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { DirectCoefficients } from '../codec/direct.js'
import type { I2cTransport } from '../smbus/I2cTransport.js'
import { createPca9548Group, type Pca9548 } from '../smbus/pca9548.js'
import { identifySupply, type SupplyIdentity } from './identifySupply.js'
import type { DetailRegister, ReadingName, SupplyProfile } from './SupplyProfile.js'

/** Where one supply sits (7-bit address, optional PCA9548 channel) and overrides of what identify learns. */
export interface SupplyBinding {
  /** 7-bit address on its segment. */
  readonly address: number
  /** The PCA9548 channel in front of it, if any. */
  readonly mux?: { readonly address: number; readonly channel: number }
  /** Force PEC on/off instead of following CAPABILITY. */
  readonly pec?: boolean
  readonly voutDirect?: DirectCoefficients
  readonly statusRegisters?: readonly DetailRegister[]
  readonly readings?: readonly ReadingName[]
}

/** One I2C segment with supplies (the root, or a mux channel): its transport and the supplies on it. */
export interface BusSegment {
  /** 'root' or 'mux 0x70 channel 3'. */
  readonly name: string
  readonly transport: I2cTransport
  readonly mux?: { readonly address: number; readonly channel: number }
  readonly supplies: readonly { readonly id: string; readonly address: number }[]
}

/** The supplies of one I2C bus: how to reach each, their segments and muxes, and cached identities. */
export interface SupplyBus {
  /** Supply ids in ascending order (JS `<`), the round-robin order. */
  readonly ids: readonly string[]
  readonly segments: readonly BusSegment[]
  readonly muxes: ReadonlyMap<number, Pca9548>
  /** The root segment with every mux closed (serialised with the muxes): what the root ARA read uses. */
  readonly rootClosed: I2cTransport
  binding(id: string): SupplyBinding | undefined
  transportFor(id: string): I2cTransport | undefined
  /** Cached identity, if identified since the last `forget`. */
  identity(id: string): SupplyIdentity | undefined
  /** Identity from cache, or read from the supply now (and cached). */
  identify(id: string): Promise<Either<CommError, SupplyIdentity>>
  /** The profile to read with: identity's, overridden by the binding. */
  profile(identity: SupplyIdentity, id: string): SupplyProfile
  /** Drop the cached identity (after a failed read: the part may have been swapped). */
  forget(id: string): void
  /** Who answers `address` on a segment: that segment's supply, else a root supply (always reachable). */
  supplyAt(segment: BusSegment, address: number): string | undefined
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`
const sevenBit = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0x7f

/** Pure. Builds a `SupplyBus` from supply bindings, or lists every bad binding (naming supply and field). */
export const createSupplyBus = (
  transport: I2cTransport,
  supplies: Readonly<Record<string, SupplyBinding>>,
): Either<readonly string[], SupplyBus> => {
  const ids = Object.keys(supplies).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const problems: string[] = []
  const muxAddresses = new Set<number>()
  for (const id of ids) {
    const b = supplies[id] as SupplyBinding
    if (!sevenBit(b.address))
      problems.push(`supplies["${id}"].address must be a 7-bit address, got ${b.address}`)
    if (b.mux !== undefined) {
      if (!sevenBit(b.mux.address))
        problems.push(`supplies["${id}"].mux.address must be a 7-bit address, got ${b.mux.address}`)
      if (!Number.isInteger(b.mux.channel) || b.mux.channel < 0 || b.mux.channel > 7) {
        problems.push(`supplies["${id}"].mux.channel must be 0..7, got ${b.mux.channel}`)
      }
      muxAddresses.add(b.mux.address)
    }
  }
  if (problems.length > 0) return E.left(problems)

  const group = createPca9548Group(
    transport,
    [...muxAddresses].sort((a, b) => a - b),
  )
  const muxes = group.muxes
  const segmentKey = (b: SupplyBinding): string =>
    b.mux === undefined ? 'root' : `mux ${hex(b.mux.address)} channel ${b.mux.channel}`
  const segmentMap = new Map<
    string,
    {
      name: string
      transport: I2cTransport
      mux?: { address: number; channel: number }
      supplies: { id: string; address: number }[]
    }
  >()
  for (const id of ids) {
    const b = supplies[id] as SupplyBinding
    const key = segmentKey(b)
    let segment = segmentMap.get(key)
    if (segment === undefined) {
      const segmentTransport =
        b.mux === undefined ? transport : (muxes.get(b.mux.address) as Pca9548).channel(b.mux.channel)
      segment = {
        name: key,
        transport: segmentTransport,
        ...(b.mux === undefined ? {} : { mux: b.mux }),
        supplies: [],
      }
      segmentMap.set(key, segment)
    }
    const clash = segment.supplies.find((s) => s.address === b.address)
    if (clash !== undefined)
      problems.push(`supplies["${id}"].address ${hex(b.address)} is also used by "${clash.id}" on ${key}`)
    if (b.mux === undefined && muxAddresses.has(b.address))
      problems.push(`supplies["${id}"].address ${hex(b.address)} is a mux address`)
    segment.supplies.push({ id, address: b.address })
  }
  // Root devices are on every channel's wire too: a channel device at a root device's address collides.
  const rootSegment = segmentMap.get('root')
  for (const segment of segmentMap.values()) {
    if (segment === rootSegment || rootSegment === undefined) continue
    for (const s of segment.supplies) {
      const clash = rootSegment.supplies.find((r) => r.address === s.address)
      if (clash !== undefined)
        problems.push(
          `supplies["${s.id}"].address ${hex(s.address)} on ${segment.name} collides with "${clash.id}" on root, which every channel reaches`,
        )
    }
  }
  if (problems.length > 0) return E.left(problems)

  // Root first, then muxes by address and channel: the ARA order.
  const segments = [...segmentMap.values()].sort((a, b) =>
    a.mux === undefined
      ? -1
      : b.mux === undefined
        ? 1
        : a.mux.address - b.mux.address || a.mux.channel - b.mux.channel,
  )
  const identities = new Map<string, SupplyIdentity>()
  const root = segmentMap.get('root')

  const bus: SupplyBus = {
    ids,
    segments,
    muxes,
    rootClosed: group.closed,
    binding: (id) => supplies[id],
    transportFor: (id) => {
      const b = supplies[id]
      return b === undefined ? undefined : segmentMap.get(segmentKey(b))?.transport
    },
    identity: (id) => identities.get(id),
    identify: async (id) => {
      const cached = identities.get(id)
      if (cached !== undefined) return E.right(cached)
      const b = supplies[id]
      const t = bus.transportFor(id)
      if (b === undefined || t === undefined)
        return E.left({ _tag: 'BusError', detail: `supply "${id}" has no PMBus binding` })
      const identity = await identifySupply(t, b.address, b.pec === undefined ? {} : { pec: b.pec })
      if (E.isRight(identity)) identities.set(id, identity.right)
      return identity
    },
    profile: (identity, id) => {
      const b = supplies[id]
      return {
        ...identity.profile,
        ...(b?.pec === undefined ? {} : { pec: b.pec }),
        ...(b?.voutDirect === undefined ? {} : { voutDirect: b.voutDirect }),
        ...(b?.statusRegisters === undefined ? {} : { statusRegisters: b.statusRegisters }),
        ...(b?.readings === undefined ? {} : { readings: b.readings }),
      }
    },
    forget: (id) => {
      identities.delete(id)
    },
    supplyAt: (segment, address) =>
      // Root supplies are unique across the bus (checked above), so the order only matters for unknown addresses.
      segment.supplies.find((s) => s.address === address)?.id ??
      root?.supplies.find((s) => s.address === address)?.id,
  }
  return E.right(bus)
}
