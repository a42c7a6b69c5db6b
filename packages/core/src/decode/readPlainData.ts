/**
 * Pure. Copies untrusted input into plain arrays and objects down to a fixed depth, reading every
 * property exactly once, so that getters, proxies and cycles can neither throw later nor change a
 * value between validation and use. A read that throws becomes an issue at its path.
 */
import type { DecodeIssue } from './decodeError.js'

/** No rack has anywhere near this many entries; a longer array is refused rather than walked. */
export const maxArrayEntries = 1_000_000

/** Stands in for a value that could not be read; its path is in `blockedPaths`. */
export const unreadable: unique symbol = Symbol('unreadable')

export interface PlainData {
  readonly value: unknown
  /** Reads that threw, and arrays too long to copy. */
  readonly issues: readonly DecodeIssue[]
  /** Paths of those issues: the caller reports nothing more at or under them. */
  readonly blockedPaths: ReadonlySet<string>
}

const describeThrown = (thrown: unknown): string => {
  try {
    if (thrown instanceof Error) return thrown.message
    return typeof thrown === 'string' ? thrown : typeof thrown
  } catch {
    return 'unknown error'
  }
}

const isPlainObjectTag = (u: object): boolean => {
  const tag = Object.prototype.toString.call(u)
  return tag === '[object Object]'
}

/**
 * Arrays and plain objects are copied (own enumerable string keys, into null-prototype objects so a
 * key named `__proto__` stays data); anything else is kept as is (io-ts only asks its type).
 * Below `maxDepth` nothing is read: the rack schema never looks that deep.
 */
export const readPlainData = (input: unknown, maxDepth: number): PlainData => {
  const issues: DecodeIssue[] = []
  const blockedPaths = new Set<string>()
  const block = (path: string, message: string): void => {
    if (blockedPaths.has(path)) return
    blockedPaths.add(path)
    issues.push({ path, message })
  }
  const childPath = (path: string, key: string | number): string =>
    typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`

  const copy = (u: unknown, depth: number, path: string): unknown => {
    if (typeof u !== 'object' || u === null || depth > maxDepth) return u
    try {
      if (Array.isArray(u)) {
        const length: unknown = u.length
        if (typeof length !== 'number' || length > maxArrayEntries) {
          block(path, `must have at most ${maxArrayEntries} entries, got ${String(length)}`)
          return unreadable
        }
        const out: unknown[] = []
        for (let i = 0; i < length; i++)
          out.push(copy(readProperty(u, i, childPath(path, i)), depth + 1, childPath(path, i)))
        return out
      }
      if (!isPlainObjectTag(u)) return u
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
      for (const key of Object.keys(u)) {
        const value = copy(readProperty(u, key, childPath(path, key)), depth + 1, childPath(path, key))
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
      }
      return out
    } catch (thrown) {
      block(path, `could not be read: ${describeThrown(thrown)}`)
      return unreadable
    }
  }

  const readProperty = (u: object, key: string | number, path: string): unknown => {
    try {
      return (u as Record<string | number, unknown>)[key]
    } catch (thrown) {
      block(path, `could not be read: ${describeThrown(thrown)}`)
      return unreadable
    }
  }

  const value = copy(input, 0, '')
  return { value, issues, blockedPaths }
}
