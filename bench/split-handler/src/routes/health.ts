import { json, type HttpResult } from "../lib/http.js";

export function health(): HttpResult {
  return json(200, { status: "ok", runtime: process.version.split(".")[0] === "v20" ? "node20" : "node" });
}
