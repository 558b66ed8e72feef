/**
 * Which service (backend) answers a route, by path prefix: a `5xx-storm` incident hits one of these. Routes that
 * match none belong to "web" (the front end). Data only.
 */
export const SERVICES = ["checkout", "search", "catalog", "auth", "blog", "web"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** First match wins; tested against the route's path template (e.g. "/api/v1/cart/items/{id}"). */
export const SERVICE_RULES: readonly (readonly [RegExp, ServiceName])[] = [
  [/^\/(cart|checkout)\b|^\/api\/v1\/(cart|orders)\b/, "checkout"],
  [/^\/search\b|^\/api\/v1\/search\b/, "search"],
  [/^\/(products|category)\b|^\/api\/v1\/products\b|^\/$/, "catalog"],
  [/^\/(login|account|admin\/login)\b|^\/api\/v1\/session\b/, "auth"],
  [/^\/blog\b/, "blog"],
];

export function serviceOf(path: string): ServiceName {
  for (const [re, service] of SERVICE_RULES) if (re.test(path)) return service;
  return "web";
}
