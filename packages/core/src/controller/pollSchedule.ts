/**
 * Pure. Round-robin polling: the poll state, the time and which supplies are absent in; the reads due
 * now out (claims 5, 21, 22, and 6/23 for alerts).
 *
 * - Supplies are visited one at a time in ascending id order (JS `<`), wrapping around; a round visits
 *   every present supply once and takes `roundIntervalMs`, so visits are spaced
 *   `roundIntervalMs / (present supplies)` apart.
 * - Each visit reads STATUS_WORD (`status`, the fast path: the adapter reads detail registers only when
 *   STATUS_WORD points at them); every `fullEvery`-th visit of a supply, starting with its first, reads
 *   full telemetry (`full`: status plus READ_* values for prediction).
 * - Absent supplies are skipped except every `absentProbeEvery`-th round (starting with the first), so
 *   a re-inserted supply is found without spending bus time on empty slots every round; a probe rides
 *   along with the next present supply's slot, so probes never delay present supplies.
 * - Late ticks do not cause bursts: at most one round of visits is issued per call, and missed slots
 *   are dropped (the schedule restarts from now).
 * - An alert (SMBALERT#) jumps the queue: a status read of the named device at once, or a status sweep
 *   of every supply when the Alert Response Address named none. Alert reads leave the rotation as is.
 *
 * State size is fixed by the number of supplies: counters wrap modulo `fullEvery`/`absentProbeEvery`.
 */

export interface PollPolicy {
  /** Time for one round over the present supplies, ms (phosphor-power polls every 1 s). */
  readonly roundIntervalMs: number
  /** Every Nth visit of a supply reads full telemetry; 1 = always full. */
  readonly fullEvery: number
  /** Absent supplies are probed every Nth round; 1 = every round. */
  readonly absentProbeEvery: number
  /**
   * Least time, ms, before the same set of status bits is cleared again. A persistent fault re-latches
   * right after CLEAR_FAULTS (and re-asserts SMBALERT#); clearing it on every read would turn each
   * alert into another clear. Bits stay latched meanwhile, so this is also how long a condition that
   * has ended can still show before it is cleared.
   */
  readonly clearFaultsRetryMs: number
}

/**
 * Defaults: one round per second, full telemetry every 10th visit, absent probed every 5th round, the
 * same latched faults cleared again at most once a minute.
 */
export const defaultPollPolicy: PollPolicy = {
  roundIntervalMs: 1000,
  fullEvery: 10,
  absentProbeEvery: 5,
  clearFaultsRetryMs: 60_000,
}

/** One read to issue: which supply, status fast path or full telemetry. */
export interface PollRead {
  readonly supply: string
  readonly mode: 'status' | 'full'
}

/** The round-robin position and per-supply visit phases (fixed size). */
export interface PollState {
  /** Every configured supply, ascending id order (JS `<`). */
  readonly order: readonly string[]
  /** Index in `order` of the next supply to consider. */
  readonly cursor: number
  /** Round number modulo `absentProbeEvery`. */
  readonly round: number
  /** When the next visit is due; undefined before the first tick. */
  readonly nextVisitMs: number | undefined
  /** Per supply: visits modulo `fullEvery` (0 = next visit reads full telemetry). */
  readonly visitPhase: Readonly<Record<string, number>>
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** A schedule over `supplies` (sorted by id, JS `<`), first visit due at the first tick. */
export const initialPollState = (supplies: readonly string[]): PollState => {
  const order = [...supplies].sort(byId)
  return {
    order,
    cursor: 0,
    round: 0,
    nextVisitMs: undefined,
    visitPhase: Object.fromEntries(order.map((id) => [id, 0])),
  }
}

/** Reads due at `atMs`, and the advanced schedule. */
export const pollSchedule = (
  state: PollState,
  atMs: number,
  isAbsent: (supply: string) => boolean,
  policy: PollPolicy = defaultPollPolicy,
): { readonly state: PollState; readonly reads: readonly PollRead[] } => {
  const n = state.order.length
  if (n === 0) return { state, reads: [] }
  const probeEvery = Math.max(1, Math.floor(policy.absentProbeEvery))
  const fullEvery = Math.max(1, Math.floor(policy.fullEvery))
  let { cursor, round } = state
  let nextVisitMs = state.nextVisitMs ?? atMs
  const visitPhase: Record<string, number> = { ...state.visitPhase }
  const reads: PollRead[] = []

  const presentCount = state.order.filter((id) => !isAbsent(id)).length
  const interval = policy.roundIntervalMs / Math.max(1, presentCount)
  const visit = (id: string): void => {
    const phase = visitPhase[id] ?? 0
    reads.push({ supply: id, mode: phase === 0 ? 'full' : 'status' })
    visitPhase[id] = (phase + 1) % fullEvery
  }

  // One slot per due interval: the next present supply, plus any absent supply passed on the way in a
  // probe round (round 0). Probes ride along and take no slot, so a present supply's turn comes back
  // every roundIntervalMs whatever the probes. At most one round of slots per call.
  for (let slots = 0; atMs >= nextVisitMs && slots < n; slots++) {
    for (let scanned = 0; scanned < n; scanned++) {
      if (cursor >= n) {
        cursor = 0
        round = (round + 1) % probeEvery
      }
      const id = state.order[cursor] as string
      cursor++
      if (!isAbsent(id)) {
        visit(id)
        break
      }
      if (round === 0) visit(id)
    }
    nextVisitMs += interval
  }
  if (atMs >= nextVisitMs) nextVisitMs = atMs + interval // late: drop missed slots, no burst
  return { state: { order: state.order, cursor, round, nextVisitMs, visitPhase }, reads }
}

/** Reads for an SMBALERT#: the named supply at once, or a status sweep of all when none was named. */
export const alertReads = (state: PollState, supply: string | undefined): readonly PollRead[] =>
  supply !== undefined && state.order.includes(supply)
    ? [{ supply, mode: 'status' }]
    : state.order.map((id) => ({ supply: id, mode: 'status' as const }))
