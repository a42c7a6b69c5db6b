/** I/O. A GPIO chip's name, label and line count (GPIO_GET_CHIPINFO_IOCTL), e.g. to find a chip by label. */
import { closeSync, openSync, readdirSync } from 'node:fs'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { GpioError } from '../../lines/GpioLines.js'
import type { ChipInfo } from './gpioV2Layout.js'
import { CHIP_INFO_SIZE, decodeChipInfo, GPIO_GET_CHIPINFO_IOCTL } from './gpioV2Layout.js'
import { errnoName } from './errnoName.js'
import { loadGpioLibc } from './libc.js'

/**
 * I/O. Reads a GPIO chip's name, label and line count (GPIO_GET_CHIPINFO_IOCTL), e.g. to find a chip by
 * label.
 */
export const readGpioChipInfo = async (chipPath: string): Promise<Either<GpioError, ChipInfo>> => {
  const libc = await loadGpioLibc()
  let fd: number
  try {
    fd = openSync(chipPath, 'r')
  } catch (error) {
    return left({
      _tag: 'GpioIoError',
      detail: `cannot open ${chipPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    })
  }
  const block = libc.alloc(CHIP_INFO_SIZE)
  try {
    const outcome = libc.ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, block)
    if (outcome.result < 0)
      return left({
        _tag: 'GpioIoError',
        detail: `GPIO_GET_CHIPINFO_IOCTL on ${chipPath}: ${errnoName(outcome.errno)}`,
      })
    return right(decodeChipInfo(block.bytes))
  } finally {
    block.free()
    closeSync(fd)
  }
}

/** The /dev/gpiochipN whose label is `label`, if any. */
export const findGpioChipByLabel = async (label: string): Promise<string | undefined> => {
  const chips = readdirSync('/dev')
    .filter((name) => /^gpiochip\d+$/.test(name))
    .map((name) => `/dev/${name}`)
  for (const chip of chips) {
    const info = await readGpioChipInfo(chip)
    if (info._tag === 'Right' && info.right.label === label) return chip
  }
  return undefined
}
