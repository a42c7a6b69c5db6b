/**
 * A virtual I2C bus segment implementing `I2cBus`: targets attached by address; an absent address
 * NACKs. Listeners hear every write (after it took effect), so tests can check the hardware after each.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { I2cBus } from '../lines/GpioLines.js'
import type { I2cTargetResult } from './createVirtualExpander.js'

/** A device on a virtual I2C bus: answers writes, reads and combined write-reads, or NACKs. */
export interface I2cTarget {
  write(bytes: Uint8Array): I2cTargetResult<void>
  read(length: number): I2cTargetResult<Uint8Array>
  writeRead(bytes: Uint8Array, length: number): I2cTargetResult<Uint8Array>
}

/** The only error of a virtual I2C bus: the address did not acknowledge (no target, or the target NACKed). */
export type VirtualI2cError = { readonly _tag: 'I2cNack'; readonly address: number }

export interface VirtualI2cBus extends I2cBus {
  attach(address: number, target: I2cTarget): void
  /** Called after every write attempt, with whether it was acknowledged. */
  onWrite(listener: (address: number, bytes: Uint8Array, acked: boolean) => void): () => void
  /** Every transaction so far. */
  readonly log: {
    readonly op: 'write' | 'read' | 'writeRead'
    readonly address: number
    readonly bytes: Uint8Array
    readonly acked: boolean
  }[]
}

/**
 * An empty virtual I2C bus segment implementing `I2cBus`; attach targets by address, absent addresses NACK.
 */
export const createVirtualI2cBus = (): VirtualI2cBus => {
  const targets = new Map<number, I2cTarget>()
  const listeners = new Set<(address: number, bytes: Uint8Array, acked: boolean) => void>()
  const log: VirtualI2cBus['log'] = []
  const nack = (address: number): Either<VirtualI2cError, never> => left({ _tag: 'I2cNack', address })
  const doWrite = (address: number, bytes: Uint8Array): boolean => {
    const target = targets.get(address)
    const acked = target !== undefined && target.write(bytes).ok
    log.push({ op: 'write', address, bytes: Uint8Array.from(bytes), acked })
    for (const listener of listeners) listener(address, bytes, acked)
    return acked
  }
  const doRead = (address: number, length: number): I2cTargetResult<Uint8Array> => {
    const target = targets.get(address)
    return target === undefined ? { ok: false, tag: 'I2cNack' } : target.read(length)
  }
  return {
    log,
    attach: (address, target) => {
      targets.set(address, target)
    },
    onWrite: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    write: async (address, bytes) => (doWrite(address, bytes) ? right(undefined) : nack(address)),
    read: async (address, length) => {
      const result = doRead(address, length)
      log.push({ op: 'read', address, bytes: new Uint8Array(0), acked: result.ok })
      return result.ok ? right(result.value) : nack(address)
    },
    writeRead: async (address, bytes, length) => {
      // Combined transfer (repeated start): the pointer write changes no pin, so listeners are not told.
      const target = targets.get(address)
      const result: I2cTargetResult<Uint8Array> =
        target === undefined ? { ok: false, tag: 'I2cNack' } : target.writeRead(bytes, length)
      log.push({ op: 'writeRead', address, bytes: Uint8Array.from(bytes), acked: result.ok })
      return result.ok ? right(result.value) : nack(address)
    },
  }
}
