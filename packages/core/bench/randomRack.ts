/**
 * Pure. Deterministic random racks for the benchmark: seed and shape in, RackInput out.
 * Realistic mix: 800 W - 3 kW supplies, A/B bus pairs with dual-corded servers, a few failed, absent,
 * warning and at-risk supplies, some bus-bar ratings, and a random current switch state.
 */
import type { Bus, Load, RackInput, Supply, Switch, SwitchKind } from '../src/model/rack.js'

export interface RackShape {
  readonly supplies: number
  readonly buses: number
  readonly loads: number
}

/** mulberry32: small, fast, good enough for test data; same seed, same rack. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ratingsW = [800, 1100, 1300, 1600, 2000, 2400, 2700, 3000] as const
const kinds: readonly SwitchKind[] = ['fet', 'fet', 'relay', 'breaker']

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

export const randomRack = (shape: RackShape, seed: number): RackInput => {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const between = (lo: number, hi: number): number => lo + random() * (hi - lo)

  const busIds = Array.from({ length: shape.buses }, (_, j) =>
    shape.buses <= 26 ? String.fromCharCode(65 + j) : `bus${pad(j, 2)}`,
  )
  const pairs = Math.ceil(shape.buses / 2)
  /** Buses j and j+1 form an A/B pair fed to the same servers; an odd last bus pairs with itself. */
  const pairOf = (p: number): [number, number] => [2 * p, Math.min(2 * p + 1, shape.buses - 1)]

  const supplies: Supply[] = Array.from({ length: shape.supplies }, (_, s) => {
    const r = random()
    const state = r < 0.04 ? 'failed' : r < 0.06 ? 'absent' : r < 0.12 ? 'warning' : 'ok'
    const risk = random()
    const failureRisk =
      risk < 0.08
        ? Math.round(between(50, 95)) / 100
        : risk < 0.7
          ? Math.round(between(0, 30)) / 100
          : undefined
    return {
      id: `psu${pad(s + 1, 3)}`,
      capacityW: pick(ratingsW),
      state,
      ...(failureRisk === undefined ? {} : { failureRisk }),
    }
  })

  const switches: Switch[] = []
  supplies.forEach((supply, s) => {
    const [a, b] = pairOf(s % pairs)
    const wired = new Set([a, b])
    if (shape.buses > 2 && random() < 0.3) wired.add(Math.floor(random() * shape.buses))
    const order = [...wired]
    const closedAt = random() < (supply.state === 'absent' ? 0.3 : 0.85) ? pick(order) : undefined
    for (const j of order)
      switches.push({ supply: supply.id, bus: busIds[j] ?? '', kind: pick(kinds), closed: j === closedAt })
  })

  const derate = random() < 0.8 ? 1 : 0.9
  const connectableW = supplies
    .filter((s) => s.state === 'ok' || s.state === 'warning')
    .reduce((sum, s) => sum + s.capacityW * derate, 0)
  // Mostly comfortable racks where redundancy is the question; sometimes overloaded ones that must shed.
  const utilisation = random() < 0.15 ? between(0.9, 1.2) : between(0.3, 0.75)
  const raw = Array.from({ length: shape.loads }, () => between(150, 1500))
  const scale = (utilisation * connectableW) / raw.reduce((sum, w) => sum + w, 0)

  // Half the racks are all dual-corded (bus-loss survival is then reachable); the rest have some
  // single-corded servers, which no bus loss can spare.
  const singleShare = random() < 0.5 ? 0 : 0.15
  const loads: Load[] = raw.map((w, l) => {
    const [a, b] = pairOf(Math.floor(random() * pairs))
    const r = random()
    const cords = a === b ? [a] : r >= singleShare ? [a, b] : random() < 0.5 ? [a] : [b]
    const pr = random()
    return {
      id: `srv${pad(l + 1, 3)}`,
      powerW: Math.max(0, Math.round(w * scale)),
      priority: pr < 0.5 ? 1 : pr < 0.85 ? 2 : 3,
      buses: cords.map((j) => busIds[j] ?? ''),
    }
  })

  const perBusW = connectableW / shape.buses
  const pairPriority = Array.from({ length: pairs }, () => pick([1, 2, 2, 3]))
  const buses: Bus[] = busIds.map((id, j) => {
    const maxW = random() < 0.4 ? Math.round((perBusW * between(0.6, 1.3)) / 100) * 100 : undefined
    return {
      id,
      priority: pairPriority[Math.min(Math.floor(j / 2), pairs - 1)] ?? 1,
      ...(maxW === undefined ? {} : { maxW }),
    }
  })

  return {
    supplies,
    buses,
    loads,
    switches,
    policy: {
      supplyRedundancy: random() < 0.85 ? 1 : 2,
      busRedundancy: random() < 0.9,
      derate,
      preemptRisk: 0.5,
    },
  }
}
