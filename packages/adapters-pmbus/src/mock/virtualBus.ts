/**
 * Test double / simulator part. A virtual I2C bus segment: devices attach at 7-bit addresses; a
 * transaction to an empty address is NoAck; two devices answering one address (e.g. the same address on
 * a segment and behind a selected mux channel) is a BusError. Devices that expose `downstream()` (a mux)
 * extend the segment with the segments they currently connect. A read of the Alert Response Address 0x0C
 * (when no device sits there) goes to every reachable device that is asserting SMBALERT# and answers
 * the ARA; the lowest address wins arbitration, as on a real wired-AND bus. Synchronous inside.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import { ALERT_RESPONSE_ADDRESS } from '../codec/commands.js'
import { pec } from '../codec/pec.js'
import type { I2cTransport } from '../smbus/I2cTransport.js'

/**
 * A device on a virtual bus: answers transactions synchronously, optionally extends the bus (mux) or answers
 * the ARA.
 */
export interface VirtualI2cDevice {
  write(bytes: Uint8Array): Either<CommError, void>
  read(length: number): Either<CommError, Uint8Array>
  writeRead(bytes: Uint8Array, length: number): Either<CommError, Uint8Array>
  /** Segments reachable through this device right now (a mux's enabled channels). */
  downstream?(): readonly VirtualBus[]
  /** The address byte (address << 1) it sends on an ARA read, when it asserts SMBALERT# and answers ARA. */
  alertResponse?(): number | undefined
  /** Told that it won ARA arbitration and its address went out (an SMBus device then releases SMBALERT#). */
  alertResponded?(): void
}

/** A virtual I2C bus segment: its host-side `I2cTransport` and the devices attached to it. */
export interface VirtualBus {
  /** The segment as seen by a host driving it. */
  readonly transport: I2cTransport
  /** Throws if the address is taken or not 7-bit: wiring mistakes are programming errors. */
  attach(address: number, device: VirtualI2cDevice): void
  detach(address: number): void
  /** Every device answering `address` here and through currently connected downstream segments. */
  reach(address: number): readonly VirtualI2cDevice[]
  /** Every device reachable now, with its address. */
  reachable(): readonly { readonly address: number; readonly device: VirtualI2cDevice }[]
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`

/** Creates an empty virtual bus segment; `name` appears in its error details. */
export const createVirtualBus = (name = 'bus'): VirtualBus => {
  const devices = new Map<number, VirtualI2cDevice>()

  // A mux tree has no cycles, so a plain recursion suffices.
  const reachable = (): { address: number; device: VirtualI2cDevice }[] => {
    const out: { address: number; device: VirtualI2cDevice }[] = []
    for (const [address, device] of devices) out.push({ address, device })
    for (const device of devices.values()) {
      const below = device.downstream?.()
      if (below !== undefined) for (const segment of below) out.push(...segment.reachable())
    }
    return out
  }

  // The hot path (every transaction): no allocation beyond the result.
  const reach = (address: number, out: VirtualI2cDevice[] = []): VirtualI2cDevice[] => {
    const here = devices.get(address)
    if (here !== undefined) out.push(here)
    for (const device of devices.values()) {
      const below = device.downstream?.()
      if (below !== undefined) for (const segment of below) out.push(...segment.reach(address))
    }
    return out
  }

  const resolve = (address: number): Either<CommError, VirtualI2cDevice> => {
    const found = bus.reach(address)
    if (found.length === 0)
      return E.left({ _tag: 'NoAck', address, detail: `no device at ${hex(address)} on ${name}` })
    if (found.length > 1)
      return E.left({
        _tag: 'BusError',
        address,
        detail: `${found.length} devices answer ${hex(address)} on ${name}`,
      })
    return E.right(found[0] as VirtualI2cDevice)
  }

  const alertResponse = (length: number): Either<CommError, Uint8Array> => {
    const answering = bus
      .reachable()
      .map(({ device }) => ({ device, byte: device.alertResponse?.() }))
      .filter((a): a is { device: VirtualI2cDevice; byte: number } => a.byte !== undefined)
      .sort((a, b) => a.byte - b.byte)
    const winner = answering[0]
    if (winner === undefined)
      return E.left({
        _tag: 'NoAck',
        address: ALERT_RESPONSE_ADDRESS,
        detail: `no device answers the ARA on ${name}`,
      })
    winner.device.alertResponded?.()
    const bytes = new Uint8Array(length).fill(0xff)
    bytes[0] = winner.byte
    if (length > 1) bytes[1] = pec([(ALERT_RESPONSE_ADDRESS << 1) | 1, winner.byte])
    return E.right(bytes)
  }

  const isAra = (address: number): boolean =>
    address === ALERT_RESPONSE_ADDRESS && bus.reach(address).length === 0

  const bus: VirtualBus = {
    attach: (address, device) => {
      if (!Number.isInteger(address) || address < 0 || address > 0x7f)
        throw new RangeError(`${name}.attach: address must be 7-bit, got ${address}`)
      if (devices.has(address)) throw new Error(`${name}.attach: address ${hex(address)} is already taken`)
      devices.set(address, device)
    },
    detach: (address) => {
      devices.delete(address)
    },
    reach: (address) => reach(address),
    reachable,
    transport: {
      write: async (address, bytes) => E.flatMap((d: VirtualI2cDevice) => d.write(bytes))(resolve(address)),
      read: async (address, length) =>
        isAra(address)
          ? alertResponse(length)
          : E.flatMap((d: VirtualI2cDevice) => d.read(length))(resolve(address)),
      writeRead: async (address, bytes, length) =>
        E.flatMap((d: VirtualI2cDevice) => d.writeRead(bytes, length))(resolve(address)),
    },
  }
  return bus
}
