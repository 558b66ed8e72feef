import type { HttpMethod } from "@weblog/log-schema";
import type { StatusProfile } from "./statuses";

/**
 * The site map: a small e-commerce site with a blog and a JSON API. Paths may contain slots
 * (`{product}`, `{category}`, `{post}`, `{term}`, `{user}`, `{id}`, `{page}`, `{hash}`) that are filled from pools
 * built once per generator (see pools.ts). Weights are relative within their list.
 */

/** How one method on a route is answered. */
export type MethodEntry = readonly [method: HttpMethod, weight: number, status: StatusProfile];

export interface RouteData {
  path: string;
  weight: number;
  methods: readonly MethodEntry[];
}

const PAGE: readonly MethodEntry[] = [
  ["GET", 97, "page"],
  ["HEAD", 3, "page"],
];
const FORM: readonly MethodEntry[] = [
  ["GET", 80, "page"],
  ["POST", 20, "form"],
];

/** HTML pages a browser navigates to (each is followed by a burst of its assets). */
export const PAGES: readonly RouteData[] = [
  { path: "/", weight: 18, methods: PAGE },
  { path: "/products/{product}", weight: 24, methods: PAGE },
  { path: "/category/{category}", weight: 10, methods: PAGE },
  { path: "/category/{category}?page={page}", weight: 4, methods: PAGE },
  { path: "/search?q={term}", weight: 8, methods: PAGE },
  { path: "/blog", weight: 3, methods: PAGE },
  { path: "/blog/{post}", weight: 7, methods: PAGE },
  { path: "/cart", weight: 6, methods: PAGE },
  { path: "/checkout", weight: 3, methods: FORM },
  { path: "/login", weight: 4, methods: FORM },
  { path: "/account", weight: 2, methods: PAGE },
  { path: "/about", weight: 1, methods: PAGE },
  { path: "/contact", weight: 1, methods: FORM },
  { path: "/users/{user}", weight: 2, methods: PAGE },
];

const STATIC: readonly MethodEntry[] = [
  ["GET", 99, "asset"],
  ["HEAD", 1, "asset"],
];

/** Assets every page loads (its bundle, styles, logo, fonts). */
export const COMMON_ASSETS: readonly RouteData[] = [
  { path: "/static/js/app.{hash}.js", weight: 10, methods: STATIC },
  { path: "/static/js/vendor.{hash}.js", weight: 9, methods: STATIC },
  { path: "/static/css/main.{hash}.css", weight: 10, methods: STATIC },
  { path: "/static/img/logo.svg", weight: 7, methods: STATIC },
  { path: "/static/fonts/inter-var.woff2", weight: 5, methods: STATIC },
  { path: "/favicon.ico", weight: 3, methods: STATIC },
  { path: "/static/img/products/{product}.webp", weight: 12, methods: STATIC },
  { path: "/static/img/banners/{category}.jpg", weight: 4, methods: STATIC },
  { path: "/manifest.webmanifest", weight: 1, methods: STATIC },
];

/** The JSON API the front end (and scripts) call. */
export const API: readonly RouteData[] = [
  { path: "/api/v1/products?page={page}", weight: 14, methods: [["GET", 1, "api-read"]] },
  { path: "/api/v1/products/{id}", weight: 14, methods: [["GET", 1, "api-read"]] },
  { path: "/api/v1/search?q={term}", weight: 10, methods: [["GET", 1, "api-read"]] },
  {
    path: "/api/v1/cart",
    weight: 12,
    methods: [
      ["GET", 55, "api-read"],
      ["POST", 35, "api-write"],
      ["OPTIONS", 10, "preflight"],
    ],
  },
  {
    path: "/api/v1/cart/items/{id}",
    weight: 6,
    methods: [
      ["PUT", 30, "api-write"],
      ["PATCH", 25, "api-write"],
      ["DELETE", 45, "api-delete"],
    ],
  },
  {
    path: "/api/v1/orders",
    weight: 4,
    methods: [
      ["GET", 60, "api-read"],
      ["POST", 40, "api-write"],
    ],
  },
  { path: "/api/v1/session", weight: 5, methods: [["POST", 1, "api-auth"]] },
  { path: "/api/v1/events", weight: 8, methods: [["POST", 1, "api-beacon"]] },
];

/** What crawlers read besides pages. */
export const CRAWL_META: readonly RouteData[] = [
  { path: "/robots.txt", weight: 5, methods: [["GET", 1, "always-ok"]] },
  { path: "/sitemap.xml", weight: 3, methods: [["GET", 1, "always-ok"]] },
];

/** What uptime monitors poll. */
export const HEALTH: readonly RouteData[] = [
  {
    path: "/healthz",
    weight: 1,
    methods: [
      ["GET", 90, "health"],
      ["HEAD", 10, "health"],
    ],
  },
];

/** The admin back office (mostly redirects to its login for anyone without a session). */
export const ADMIN: readonly RouteData[] = [
  {
    path: "/admin",
    weight: 4,
    methods: [
      ["GET", 90, "admin"],
      ["POST", 10, "admin"],
    ],
  },
  { path: "/admin/login", weight: 3, methods: FORM },
  { path: "/admin/orders?page={page}", weight: 2, methods: [["GET", 1, "admin"]] },
];

/** What vulnerability scanners ask for: none of it exists here. */
export const PROBES: readonly RouteData[] = [
  "/wp-login.php",
  "/wp-admin/",
  "/xmlrpc.php",
  "/.env",
  "/.git/config",
  "/.git/HEAD",
  "/phpmyadmin/",
  "/pma/index.php",
  "/admin.php",
  "/administrator/index.php",
  "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
  "/cgi-bin/luci/;stok=/locale",
  "/boaform/admin/formLogin",
  "/HNAP1/",
  "/actuator/env",
  "/actuator/health",
  "/server-status",
  "/.aws/credentials",
  "/config.json",
  "/backup.zip",
  "/db.sql",
  "/.DS_Store",
  "/owa/auth/logon.aspx",
  "/remote/login",
  "/solr/admin/info/system",
  "/console/",
  "/_ignition/execute-solution",
  "/index.php?s=/Index/\\think\\app/invokefunction",
  "/shell.php",
  "/setup.cgi?next_file=netgear.cfg",
].map((path, i) => ({
  path,
  weight: i < 6 ? 4 : 1,
  methods: [
    ["GET", 85, "probe"],
    ["POST", 10, "probe"],
    ["HEAD", 5, "probe"],
  ] as const,
}));
