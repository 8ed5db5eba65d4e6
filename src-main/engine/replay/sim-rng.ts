/** Seeded randomness for simulations (the demo fleet, the rotation simulator): the same seed always gives the same run. */

/** A pseudo-random source in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast and good enough for a simulation (not for secrets). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
