/**
 * Read a supply's status. Fast path: STATUS_WORD, then a detail register only when a STATUS_WORD bit
 * points at it ('flagged'). 'all' reads every detail register the profile lists, for the snapshot taken
 * before CLEAR_FAULTS, so nothing latched is lost.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, StatusRegisters, StatusWordFlags } from '@busbar/core'
import { PmbusCommand as C } from '../codec/commands.js'
import {
  decodeStatusCml,
  decodeStatusFans12,
  decodeStatusInput,
  decodeStatusIout,
  decodeStatusTemperature,
  decodeStatusVout,
} from '../codec/decodeStatusDetail.js'
import { decodeStatusWord } from '../codec/decodeStatusWord.js'
import type { SmbusDevice } from '../smbus/smbusDevice.js'
import { allDetailRegisters, type DetailRegister } from './SupplyProfile.js'

interface DetailSpec {
  readonly command: number
  /** Which STATUS_WORD bits point at this register. */
  readonly flaggedBy: (w: StatusWordFlags) => boolean
  readonly store: (raw: number) => Partial<Record<keyof StatusRegisters, unknown>>
}

const details: Readonly<Record<DetailRegister, DetailSpec>> = {
  vout: {
    command: C.STATUS_VOUT,
    flaggedBy: (w) => w.vout || w.voutOv,
    store: (r) => ({ vout: decodeStatusVout(r) }),
  },
  iout: {
    command: C.STATUS_IOUT,
    flaggedBy: (w) => w.ioutPout || w.ioutOc,
    store: (r) => ({ iout: decodeStatusIout(r) }),
  },
  input: {
    command: C.STATUS_INPUT,
    flaggedBy: (w) => w.input || w.vinUv,
    store: (r) => ({ input: decodeStatusInput(r) }),
  },
  temperature: {
    command: C.STATUS_TEMPERATURE,
    flaggedBy: (w) => w.temperature,
    store: (r) => ({ temperature: decodeStatusTemperature(r) }),
  },
  cml: { command: C.STATUS_CML, flaggedBy: (w) => w.cml, store: (r) => ({ cml: decodeStatusCml(r) }) },
  fans12: {
    command: C.STATUS_FANS_1_2,
    flaggedBy: (w) => w.fans,
    store: (r) => ({ fans12: decodeStatusFans12(r) }),
  },
  other: { command: C.STATUS_OTHER, flaggedBy: (w) => w.other, store: (r) => ({ otherRaw: r }) },
  mfr: { command: C.STATUS_MFR_SPECIFIC, flaggedBy: (w) => w.mfrSpecific, store: (r) => ({ mfrRaw: r }) },
}

/**
 * Which detail registers to read: those STATUS_WORD flags (`flagged`) or every one the profile lists (`all`).
 */
export type StatusScope = 'flagged' | 'all'

/** I/O. Reads STATUS_WORD and the detail registers the scope asks for into core's `StatusRegisters`. */
export const readStatus = async (
  dev: SmbusDevice,
  scope: StatusScope = 'flagged',
  present: readonly DetailRegister[] = allDetailRegisters,
): Promise<Either<CommError, StatusRegisters>> => {
  const raw = await dev.readWord(C.STATUS_WORD)
  if (E.isLeft(raw)) return raw
  const word = decodeStatusWord(raw.right)
  let status: Record<string, unknown> = { word }
  for (const name of allDetailRegisters) {
    const spec = details[name]
    // 'flagged' reads a register the word points at even if the profile omits it: the part said it has news.
    const wanted = scope === 'all' ? present.includes(name) : spec.flaggedBy(word)
    if (!wanted) continue
    const value = await dev.readByte(spec.command)
    if (E.isLeft(value)) return value
    status = { ...status, ...spec.store(value.right) }
  }
  return E.right(status as unknown as StatusRegisters)
}
