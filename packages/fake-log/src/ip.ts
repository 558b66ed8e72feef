/**
 * IPv6 text in the canonical form servers log (RFC 5952): lower case, no leading zeros in a group,
 * the longest run of two or more zero groups (the first if tied) written "::".
 */
export function canonicalIpv6(full: string): string {
  const groups = full
    .toLowerCase()
    .split(":")
    .map((g) => g.replace(/^0+(?=.)/, ""));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === "0") j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(":");
  const head = groups.slice(0, bestStart).join(":");
  const tail = groups.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}
