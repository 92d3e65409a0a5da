/**
 * RFC 2782 target selection, as a pure function over the records and a
 * random source: lowest priority first; within a priority, a weighted random
 * order: "arrange all SRV RRs (that have not been ordered yet) in any order,
 * except that all those with weight 0 are placed at the beginning of the
 * list. Compute the sum of the weights of those RRs, and with each RR
 * associate the running sum in the selected order. Then choose a uniform
 * random number between 0 and the sum computed (inclusive), and select the
 * RR whose running sum value is the first in the selected order which is
 * greater than or equal to the random number selected."
 * A target of "." means the service is decidedly not available there.
 */
export interface SrvRecordLike {
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/** `random` returns a number in [0, 1), like Math.random. */
export function orderSrvRecords<T extends SrvRecordLike>(records: readonly T[], random: () => number): T[] {
  const usable = records.filter((r) => r.name !== '.' && r.name !== '');
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const out: T[] = [];
  for (const priority of priorities) {
    // Zero weights first, the rest as received (the "any order" the RFC allows).
    const left = usable.filter((r) => r.priority === priority).sort((a, b) => Number(a.weight !== 0) - Number(b.weight !== 0));
    while (left.length > 0) {
      const sum = left.reduce((s, r) => s + r.weight, 0);
      const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
      let running = 0;
      let index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        running += left[i]?.weight ?? 0;
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(...left.splice(index, 1));
    }
  }
  return out;
}
