/**
 * Choosing a free slot in a range the way kube-apiserver's bitmap allocators do (KEP-3070,
 * "reserved static subrange"): dynamic allocations scan the upper part of the range from a
 * random start first and fall back to the lower `offset` slots only when the upper part is
 * full, so the lower band stays free for users who ask for a specific IP or port.
 */

/** min(max(min, size/step), max), or 0 for ranges smaller than `min` (calculateRangeOffset). */
export function staticBand(size: number, bounds: { min: number; max: number; step: number }): number {
  if (size < bounds.min) return 0;
  return Math.min(Math.max(Math.floor(size / bounds.step), bounds.min), bounds.max);
}

/** The service IP allocator's band: 16..256 addresses, size/16. */
export const IP_BAND = { min: 16, max: 256, step: 16 } as const;
/** The node port allocator's band: 16..128 ports, size/32. */
export const PORT_BAND = { min: 16, max: 128, step: 32 } as const;

/**
 * A free index in [0, size), upper band first, or undefined when every index is used.
 * `random(n)` returns an integer in [0, n) (injected so tests are deterministic).
 */
export function pickFree(size: number, offset: number, used: (index: number) => boolean, random: (n: number) => number = (n) => Math.floor(Math.random() * n)): number | undefined {
  const upper = size - offset;
  if (upper > 0) {
    const start = random(upper);
    for (let i = 0; i < upper; i++) {
      const at = offset + ((start + i) % upper);
      if (!used(at)) return at;
    }
  }
  if (offset > 0) {
    const start = random(offset);
    for (let i = 0; i < offset; i++) {
      const at = (start + i) % offset;
      if (!used(at)) return at;
    }
  }
  return undefined;
}
