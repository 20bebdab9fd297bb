// Zip a folder with slimfn's writer, as a separate process (like Info-ZIP): read every file,
// build the zip, write it. Usage: node bench/zip-tree.mjs <dir> <out.zip>
import fs from "node:fs";
import path from "node:path";
import { buildZip } from "../dist/src/zip/write.js";

const [dir, out] = process.argv.slice(2);
const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" });
const entries = [];
for (const f of files) {
  const p = path.join(dir, f);
  const st = fs.lstatSync(p);
  if (st.isFile()) entries.push({ path: f.split(path.sep).join("/"), data: fs.readFileSync(p) });
}
const zip = await buildZip(entries, { level: Number(process.env.ZIP_LEVEL ?? 9) });
fs.writeFileSync(out, zip.bytes);
