/**
 * The traffic model's knobs (the shape of the load, as opposed to the site it hits). Tuned so that over a large
 * sample: GET ~92% of requests, 2xx ~73%, 3xx ~18%, 4xx ~8%, 5xx ~0.5-1%, bots = `botShare`.
 */
export const TRAFFIC = {
  /** Zipf exponent of visitor popularity: with 2000 visitors the top 1% send ~40% of all requests. */
  visitorSkew: 1.0,
  /** Zipf exponent over slot values (products, posts, terms): a few best sellers, a long tail. */
  contentSkew: 0.9,
  /** Bot visitors as a share of the visitor pool (their request share is the `botShare` option). */
  botVisitorShare: 0.1,
  /** What a browser visitor does when it starts a new request (assets then follow pages). */
  humanMix: [
    ["page", 63],
    ["api", 36],
    ["admin", 1],
  ] as const,
  /** After a page answered 200, the browser fetches this many assets: [count, weight]. */
  assetsPerPage: [
    [0, 10],
    [1, 15],
    [2, 25],
    [3, 25],
    [4, 15],
    [5, 10],
  ] as const,
  /** What each bot kind requests. */
  crawlerMix: [
    ["page", 86],
    ["crawl", 10],
    ["asset", 4],
  ] as const,
  scannerMix: [
    ["probe", 88],
    ["admin", 8],
    ["page", 4],
  ] as const,
  toolMix: [
    ["api", 55],
    ["health", 35],
    ["page", 10],
  ] as const,
  /** Server errors outside outages (per outage-prone request). */
  baseServerErrorRate: 0.002,
  /** Chance per record that an outage starts; it lasts a uniform number of records in [min, max]. */
  outageStartRate: 1 / 25_000,
  outageLength: [100, 1_000] as const,
  /** Share of outage-prone requests answered 5xx during an outage. */
  outageErrorRate: 0.6,
} as const;

export type RouteGroup = "page" | "asset" | "api" | "admin" | "crawl" | "health" | "probe";
