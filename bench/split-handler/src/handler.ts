// The realistic fixture's handler split by hand, as a careful author would: every route and the
// logger are loaded with `await import()` on first use, so esbuild's code splitting puts them
// (and the SDK, zod and powertools behind them) in chunks the init never parses. The routes and
// lib/ are the fixture's own files. The lazy benchmark compares slimfn against it.
import { json, type HttpEvent, type HttpResult } from "../../../fixtures/realistic/src/lib/http.js";

export const handler = async (event: HttpEvent): Promise<HttpResult> => {
  try {
    if (event.httpMethod === "GET" && event.path === "/health") return (await import("../../../fixtures/realistic/src/routes/health.js")).health();
    if (event.httpMethod === "POST" && event.path === "/orders") return (await import("../../../fixtures/realistic/src/routes/orders.js")).createOrder(event);
    if (event.httpMethod === "GET" && event.path.startsWith("/orders/")) return (await import("../../../fixtures/realistic/src/routes/orders.js")).getOrder(event);
    if (event.httpMethod === "GET" && event.path.startsWith("/files/")) return await (await import("../../../fixtures/realistic/src/routes/files.js")).fileLink(event);
    return json(404, { error: `no route for ${event.httpMethod} ${event.path}` });
  } catch (e) {
    (await import("../../../fixtures/realistic/src/lib/logger.js")).logger.error("request failed", e as Error);
    return json(500, { error: "internal error" });
  }
};
