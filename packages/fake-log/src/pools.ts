import { base, en, Faker } from "@faker-js/faker";
import type { HttpMethod } from "@weblog/log-schema";
import { type ServiceName, serviceOf } from "./data/services";
import { ADMIN, API, COMMON_ASSETS, CRAWL_META, HEALTH, PAGES, PROBES, type RouteData } from "./data/site";
import type { StatusProfile } from "./data/statuses";
import { type RouteGroup, TRAFFIC } from "./data/traffic";
import { BOT_AGENTS, type BotKind, BROWSER_AGENTS } from "./data/user-agents";
import { canonicalIpv6 } from "./ip";
import type { Randomizer } from "./randomizer";
import { type WeightedPicker, weighted, zipf } from "./weighted";

/** Who sends requests. A visitor keeps its address and user agent for the generator's whole life. */
export interface Visitor {
  readonly ip: string;
  readonly userAgent: string;
  /** "browser" for people, otherwise what kind of bot. */
  readonly kind: "browser" | BotKind;
}

/** A route ready for the hot path: concrete URLs (slots filled) and its method/status choices. */
export interface Route {
  readonly urls: WeightedPicker<string>;
  readonly methods: WeightedPicker<{ readonly method: HttpMethod; readonly status: StatusProfile }>;
  /** The backend that answers it (a 5xx-storm incident hits one). */
  readonly service: ServiceName;
}

export interface Pools {
  readonly humans: WeightedPicker<Visitor>;
  readonly bots: WeightedPicker<Visitor>;
  readonly groups: Readonly<Record<RouteGroup, WeightedPicker<Route>>>;
}

export interface PoolOptions {
  visitors: number;
  ipv6Share: number;
}

/** First groups of real global-unicast IPv6 allocations (ISPs, mobile carriers, clouds), so v6 looks routable. */
const IPV6_PREFIXES = [
  "2001",
  "2003",
  "2a01",
  "2a02",
  "2a00",
  "2600",
  "2601",
  "2603",
  "2607",
  "2806",
  "240e",
  "2409",
];

/** Values that fill the site map's `{slot}`s, most popular first. */
type Slots = Record<string, readonly string[]>;

const slugify = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/**
 * Build every pool once, drawing all randomness from `random` through a faker instance that uses it as its
 * randomizer. Costs a few milliseconds; nothing here runs per record.
 */
export function buildPools(random: Randomizer, options: PoolOptions): Pools {
  const faker = new Faker({ locale: [en, base], randomizer: random });
  const slots = buildSlots(faker);
  return {
    ...buildVisitors(faker, random, options),
    groups: {
      page: routeGroup(PAGES, slots),
      asset: routeGroup(COMMON_ASSETS, slots),
      api: routeGroup(API, slots),
      admin: routeGroup(ADMIN, slots),
      crawl: routeGroup(CRAWL_META, slots),
      health: routeGroup(HEALTH, slots),
      probe: routeGroup(PROBES, slots),
    },
  };
}

function uniqueValues(count: number, make: () => string): string[] {
  const seen = new Set<string>();
  for (let attempts = 0; seen.size < count && attempts < count * 20; attempts++) {
    const value = make();
    if (value.length > 0) seen.add(value);
  }
  return [...seen];
}

function buildSlots(faker: Faker): Slots {
  const productIds = uniqueValues(400, () => String(faker.number.int({ min: 1000, max: 99_999 })));
  return {
    product: productIds.map((id) => `${slugify(faker.commerce.productName())}-${id}`),
    category: uniqueValues(16, () => slugify(faker.commerce.department())),
    post: uniqueValues(120, () => slugify(faker.lorem.words({ min: 3, max: 6 }))),
    term: uniqueValues(300, () =>
      encodeURIComponent(
        faker.helpers
          .arrayElement([
            () => faker.commerce.productAdjective(),
            () => faker.commerce.product(),
            () => `${faker.commerce.productMaterial()} ${faker.commerce.product()}`,
            () => `${faker.color.human()} ${faker.commerce.product()}`,
          ])()
          .toLowerCase(),
      ).replace(/%20/g, "+"),
    ),
    user: uniqueValues(200, () => encodeURIComponent(faker.internet.username().toLowerCase())),
    id: uniqueValues(500, () => String(faker.number.int({ min: 1, max: 999_999 }))),
    page: Array.from({ length: 20 }, (_, i) => String(i + 1)),
    // Two deploys' bundles in flight: most clients have the new one, cached pages still ask for the old.
    hash: uniqueValues(2, () => faker.string.hexadecimal({ length: 8, casing: "lower", prefix: "" })),
  };
}

/** Expand a route's `{slot}`s into every concrete URL (capped), weighted by the product of the slots' popularity. */
function expand(path: string, slots: Slots): WeightedPicker<string> {
  let combos: [string, number][] = [["", 1]];
  const parts = path.split(/(\{[a-z]+\})/);
  for (const part of parts) {
    const slot = /^\{([a-z]+)\}$/.exec(part)?.[1];
    if (slot === undefined) {
      combos = combos.map(([text, w]) => [text + part, w]);
      continue;
    }
    const values = slots[slot];
    if (values === undefined || values.length === 0)
      throw new Error(`site map: unknown slot {${slot}} in ${path}`);
    const next: [string, number][] = [];
    for (const [text, w] of combos) {
      values.forEach((value, rank) => {
        next.push([text + value, w / (rank + 1) ** TRAFFIC.contentSkew]);
      });
    }
    combos = next.length > 20_000 ? next.slice(0, 20_000) : next;
  }
  return weighted(combos);
}

function routeGroup(routes: readonly RouteData[], slots: Slots): WeightedPicker<Route> {
  return weighted(
    routes.map((data) => {
      const route: Route = {
        urls: expand(data.path, slots),
        methods: weighted(
          data.methods.map(([method, weight, status]) => [{ method, status }, weight] as const),
        ),
        service: serviceOf(data.path),
      };
      return [route, data.weight] as const;
    }),
  );
}

function buildVisitors(
  faker: Faker,
  random: Randomizer,
  { visitors, ipv6Share }: PoolOptions,
): Pick<Pools, "humans" | "bots"> {
  const botCount = Math.max(1, Math.round(visitors * TRAFFIC.botVisitorShare));
  const humanCount = Math.max(1, visitors - botCount);
  const used = new Set<string>();
  const address = (): string => {
    for (;;) {
      const ip = random.chance(ipv6Share)
        ? canonicalIpv6(`${faker.helpers.arrayElement(IPV6_PREFIXES)}${faker.internet.ipv6().slice(4)}`)
        : faker.internet.ipv4();
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
  const browserAgents = weighted(BROWSER_AGENTS);
  const botAgents = weighted(BOT_AGENTS.map(([ua, kind, w]) => [{ ua, kind }, w] as const));
  const humans: Visitor[] = [];
  for (let i = 0; i < humanCount; i++) {
    humans.push({ ip: address(), userAgent: browserAgents.pick(random), kind: "browser" });
  }
  const bots: Visitor[] = [];
  for (let i = 0; i < botCount; i++) {
    const agent = botAgents.pick(random);
    bots.push({ ip: address(), userAgent: agent.ua, kind: agent.kind });
  }
  return { humans: zipf(humans, TRAFFIC.visitorSkew), bots: zipf(bots, TRAFFIC.visitorSkew) };
}
