/**
 * Pure. The electrical outcome of one instant: which buses are live given what each supply
 * delivers, which switches are physically closed and what the servers demand. A bus whose
 * capacity falls below its demand (or whose demand exceeds its rating) collapses; dual-corded
 * servers then pull their whole demand from the other bus, which may collapse in turn.
 */

export interface BusInput {
  readonly id: string
  readonly maxW?: number
}

export interface SupplyOutput {
  readonly id: string
  /** Usable watts the supply can deliver now (0 when failed, unpowered or absent). */
  readonly deliverW: number
  /** Buses its physically closed switches connect it to. */
  readonly closedTo: readonly string[]
}

export interface ServerDemand {
  readonly id: string
  readonly buses: readonly string[]
  /** Watts it wants now (0 when shed or powered off). */
  readonly demandW: number
}

/**
 * One bus at an instant: live or collapsed, capacity and demand (W), its supplies' watts, and whether it
 * meets N+k.
 */
export interface BusOutcome {
  readonly id: string
  readonly live: boolean
  readonly capacityW: number
  /** Demand placed on the bus (whether or not it holds). */
  readonly loadW: number
  /** Capacity of the supplies on it, largest first (for N+k). */
  readonly supplyW: readonly number[]
  /** Physically meets N+k: live, and capacity minus its k largest supplies covers the load. */
  readonly nPlusK: boolean
}

/** The electrical state of an instant: each bus, the servers powered, and supplies bridging two buses. */
export interface ElectricalOutcome {
  readonly buses: readonly BusOutcome[]
  /** Servers with at least one live cord. */
  readonly powered: ReadonlySet<string>
  /** Supplies with closed switches to more than one bus (a bridge: a safety violation). */
  readonly bridged: readonly string[]
}

/**
 * Pure. Which buses hold given supplies, closed switches and server demand, collapsing overloaded buses in
 * cascade.
 */
export const evaluateBuses = (
  buses: readonly BusInput[],
  supplies: readonly SupplyOutput[],
  servers: readonly ServerDemand[],
  k: number,
): ElectricalOutcome => {
  const supplyW = new Map<string, number[]>(buses.map((b) => [b.id, []]))
  const bridged: string[] = []
  for (const s of supplies) {
    if (s.closedTo.length > 1) bridged.push(s.id)
    // A bridging supply is counted once, on its first bus: it cannot deliver its rating twice.
    const bus = s.closedTo[0]
    if (bus !== undefined && s.deliverW > 0) supplyW.get(bus)?.push(s.deliverW)
  }
  const capacity = new Map<string, number>()
  for (const [id, ws] of supplyW) {
    ws.sort((a, b) => b - a)
    capacity.set(
      id,
      ws.reduce((a, w) => a + w, 0),
    )
  }
  const live = new Set(buses.filter((b) => (capacity.get(b.id) ?? 0) > 0).map((b) => b.id))
  let load = new Map<string, number>()
  // Each collapse removes a bus for good, so this ends within buses.length + 1 rounds.
  for (;;) {
    load = new Map(buses.map((b) => [b.id, 0]))
    for (const s of servers) {
      const up = s.buses.filter((b) => live.has(b))
      if (up.length === 0 || s.demandW <= 0) continue
      for (const b of up) load.set(b, (load.get(b) ?? 0) + s.demandW / up.length)
    }
    let collapsed = false
    for (const b of buses) {
      if (!live.has(b.id)) continue
      const l = load.get(b.id) ?? 0
      const over = l > (capacity.get(b.id) ?? 0) + 1e-9 || (b.maxW !== undefined && l > b.maxW + 1e-9)
      if (over) {
        live.delete(b.id)
        collapsed = true
      }
    }
    if (!collapsed) break
  }
  const powered = new Set(servers.filter((s) => s.buses.some((b) => live.has(b))).map((s) => s.id))
  return {
    buses: buses.map((b) => {
      const ws = supplyW.get(b.id) ?? []
      const cap = capacity.get(b.id) ?? 0
      const l = load.get(b.id) ?? 0
      const afterK = ws.slice(k).reduce((a, w) => a + w, 0)
      return {
        id: b.id,
        live: live.has(b.id),
        capacityW: cap,
        loadW: l,
        supplyW: ws,
        nPlusK: live.has(b.id) && afterK + 1e-9 >= l,
      }
    }),
    powered,
    bridged,
  }
}
