/**
 * Which runs of objects the coverage checks take apart. A run is checked as one object while nothing happens inside
 * it; it is taken apart into its objects when its partition interleaves (field/time partitioner), when a skipped
 * offset (dead letter, tombstone) lies inside it, when another object overlaps it, or when it reaches Kafka's high
 * watermark, so every fact names the same objects and offsets as a check object by object.
 */
import type { PartitionGroup, Unit } from "./partitions";
import { byStart, expandUnit } from "./partitions";
import { firstAtOrAfter, spanEnd } from "./ranges";
import type { Template } from "./runs";

const isRun = (u: Unit) => u.run !== undefined && u.run.objects > 1;
const covers = (u: Unit) => u.readError === undefined && u.records > 0;

/** The units the coverage check of `g` takes, runs taken apart where needed (see above). */
export function unitsToCheck(g: PartitionGroup, templates: readonly Template[]): Unit[] {
  if (!g.units.some(isRun)) return g.units;
  if (g.interleaved) return g.units.flatMap((u) => expandUnit(u, templates));
  const apart = new Set<Unit>();
  const high = g.kafka?.high;
  for (const u of g.units) {
    if (!isRun(u)) continue;
    const end = u.parts.startOffset + BigInt(u.records) - 1n;
    const skip = firstAtOrAfter(g.skipped, u.parts.startOffset);
    if ((skip !== undefined && skip <= end) || (high !== undefined && end >= high)) apart.add(u);
  }
  // Overlaps: a unit starting inside what came before, and the unit that reached furthest before it.
  let maxEnd = -1n;
  let holder: Unit | undefined;
  for (const u of g.units) {
    if (!covers(u)) continue;
    const { end } = spanEnd(u.parts.startOffset, u.records, g.skipped);
    if (holder !== undefined && u.parts.startOffset <= maxEnd) {
      apart.add(u);
      apart.add(holder);
    }
    if (end > maxEnd) {
      maxEnd = end;
      holder = u;
    }
  }
  if (![...apart].some(isRun)) return g.units;
  return g.units.flatMap((u) => (apart.has(u) && isRun(u) ? expandUnit(u, templates) : [u])).sort(byStart);
}
