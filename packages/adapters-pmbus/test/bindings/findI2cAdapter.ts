/** Test helper (guest only). Finds the /dev/i2c-N whose adapter name starts with `prefix`. */
import { readdirSync, readFileSync } from 'node:fs'

export const findI2cAdapter = (prefix: string): number => {
  for (const entry of readdirSync('/sys/class/i2c-dev')) {
    const name = readFileSync(`/sys/class/i2c-dev/${entry}/name`, 'utf8').trim()
    if (name.startsWith(prefix)) return Number(entry.replace('i2c-', ''))
  }
  throw new Error(`no i2c adapter named "${prefix}..." in /sys/class/i2c-dev`)
}
