/**
 * In-memory, single-threaded. A simulated clock and a priority queue of timed events (binary heap).
 * Ties in time pop in insertion order (a sequence number breaks them), so runs are reproducible.
 */

export interface EventQueue<E> {
  /** Simulated time in ms: the time of the last popped event (never decreases). */
  readonly now: () => number
  /** Schedule `event` at absolute time `atMs` (>= now). Returns a handle for `cancel`. */
  readonly schedule: (atMs: number, event: E) => number
  /** Cancel a scheduled event by handle; a no-op when it already ran. */
  readonly cancel: (handle: number) => void
  /** Time of the next pending event, or undefined when empty. */
  readonly peekTime: () => number | undefined
  /** Remove and return the next event, advancing the clock to its time. */
  readonly pop: () => { readonly atMs: number; readonly event: E } | undefined
  /** Advance the clock without an event (e.g. bus time spent in a transaction). */
  readonly advanceTo: (atMs: number) => void
  readonly size: () => number
}

interface Entry<E> {
  readonly atMs: number
  readonly seq: number
  readonly event: E
}

const before = <E>(x: Entry<E>, y: Entry<E>): boolean =>
  x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq)

/**
 * Creates an empty event queue whose simulated clock starts at `startMs`; equal times pop in scheduling
 * order.
 */
export const createEventQueue = <E>(startMs = 0): EventQueue<E> => {
  const heap: Entry<E>[] = []
  const cancelled = new Set<number>()
  const live = new Set<number>()
  let seq = 0
  let nowMs = startMs

  const swap = (i: number, j: number): void => {
    const t = heap[i]!
    heap[i] = heap[j]!
    heap[j] = t
  }
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!before(heap[i]!, heap[p]!)) return
      swap(i, p)
      i = p
    }
  }
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r
      if (m === i) return
      swap(i, m)
      i = m
    }
  }
  const removeTop = (): Entry<E> | undefined => {
    const top = heap[0]
    if (top === undefined) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      down(0)
    }
    return top
  }
  const dropCancelled = (): void => {
    while (heap.length > 0 && cancelled.has(heap[0]!.seq)) {
      cancelled.delete(heap[0]!.seq)
      removeTop()
    }
  }

  return {
    now: () => nowMs,
    schedule: (atMs, event) => {
      if (!Number.isFinite(atMs)) throw new RangeError(`schedule: atMs must be finite, got ${atMs}`)
      const handle = seq++
      live.add(handle)
      heap.push({ atMs: Math.max(atMs, nowMs), seq: handle, event })
      up(heap.length - 1)
      return handle
    },
    cancel: (handle) => {
      if (live.delete(handle)) cancelled.add(handle)
    },
    peekTime: () => {
      dropCancelled()
      return heap[0]?.atMs
    },
    pop: () => {
      dropCancelled()
      const top = removeTop()
      if (top === undefined) return undefined
      live.delete(top.seq)
      nowMs = Math.max(nowMs, top.atMs)
      return { atMs: top.atMs, event: top.event }
    },
    advanceTo: (atMs) => {
      if (atMs > nowMs) nowMs = atMs
    },
    size: () => live.size,
  }
}
