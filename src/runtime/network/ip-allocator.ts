/**
 * Pod addresses: one IPv4 address per pod from the node's pod CIDR. In the default loopback
 * mode the CIDR is inside 127.0.0.0/8, which Linux routes to `lo` as a whole, so every
 * address works without configuration and two pods can both listen on :8080. A pod keeps
 * its address across skiff restarts (it is read back from status.podIP); addresses are
 * handed out in order, skipping the network address, the gateway (.1 of the range) and
 * the broadcast address. The loopback network hands out the lower half only: the upper half
 * holds meshed pods' inner addresses (inner-address.ts).
 */
export const DEFAULT_LOOPBACK_POD_CIDR = '127.244.0.0/16';

export interface Cidr {
  base: number;
  bits: number;
  size: number;
}

export function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.split('/');
  const addr = parseIPv4(ip ?? '');
  const bits = Number(bitsText);
  if (addr === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid pod CIDR ${JSON.stringify(cidr)}: expected an IPv4 CIDR with a prefix between /8 and /30`);
  const size = 2 ** (32 - bits);
  return { base: addr - (addr % size), bits, size };
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const n = parseIPv4(ip);
  return n !== undefined && n >= cidr.base && n < cidr.base + cidr.size;
}

/** The range's first usable address, kept for the gateway (the host side in netns mode). */
export function gatewayOf(cidr: Cidr): string {
  return formatIPv4(cidr.base + 1);
}

/** `lowerHalf`: pod IPs from the lower half of the CIDR, leaving the upper half to inner addresses. */
export type AllocationRange = 'whole' | 'lowerHalf';

export class IpAllocator {
  readonly cidr: Cidr;
  readonly #byOwner = new Map<string, number>();
  readonly #owners = new Map<number, string>();
  readonly #first: number;
  readonly #last: number;
  #cursor: number;

  constructor(cidr: string, range: AllocationRange = 'whole') {
    this.cidr = parseCidr(cidr);
    this.#first = this.cidr.base + 2;
    // The lower half stops one short of its end, so that no inner address (pod IP + half)
    // is the CIDR's broadcast address.
    this.#last = this.cidr.base + (range === 'lowerHalf' ? this.cidr.size / 2 : this.cidr.size) - 2;
    this.#cursor = this.#first;
  }

  /** The owner's address: the one it has, the one it asks for if free, or the next free one. */
  allocate(owner: string, preferred?: string): string {
    const existing = this.#byOwner.get(owner);
    if (existing !== undefined) return formatIPv4(existing);
    const wanted = preferred !== undefined ? parseIPv4(preferred) : undefined;
    if (wanted !== undefined && this.#usable(wanted) && !this.#owners.has(wanted)) return this.#take(owner, wanted);
    const first = this.#first;
    const last = this.#last;
    const span = last - first + 1;
    for (let i = 0; i < span; i++) {
      const candidate = first + ((this.#cursor - first + i) % span);
      if (!this.#owners.has(candidate)) {
        this.#cursor = candidate + 1 > last ? first : candidate + 1;
        return this.#take(owner, candidate);
      }
    }
    throw new Error(`no free pod address left in ${formatIPv4(this.cidr.base)}/${this.cidr.bits}`);
  }

  release(owner: string): void {
    const ip = this.#byOwner.get(owner);
    if (ip === undefined) return;
    this.#byOwner.delete(owner);
    this.#owners.delete(ip);
  }

  get used(): number {
    return this.#byOwner.size;
  }

  #usable(n: number): boolean {
    return n >= this.#first && n <= this.#last;
  }

  #take(owner: string, n: number): string {
    this.#byOwner.set(owner, n);
    this.#owners.set(n, owner);
    return formatIPv4(n);
  }
}
