/**
 * The packages of the differential lazy corpus (issue 15): real npm packages Lambda handlers
 * use, one of each module shape. Each says how a handler uses it: `def` an expression over the
 * default import `D`, `named` an expression over the `names` it imports (the namespace form
 * reads the same names as `ns.<name>`). Answers must be deterministic and JSON-able, and the
 * imports used directly in the expression (not in a nested synchronous function, which async
 * mode rightly refuses).
 */
export interface CorpusPackage {
  name: string;
  /** The shape that makes it worth having (for the note and failure messages). */
  shape: string;
  def?: string;
  names: string[];
  named: string;
  /** Has top-level await: never in cjs output (esbuild refuses it there), never required. */
  tla?: boolean;
}

export const CORPUS: CorpusPackage[] = [
  { name: "mime-types", shape: "CommonJS, exports object", def: `D.lookup("a.json")`, names: ["lookup", "extension", "types"], named: `[lookup("a.txt"), extension("text/html"), types.png]` },
  { name: "zod", shape: "dual, exports conditions, classes", def: `D.string().min(2).safeParse("x").success`, names: ["z", "ZodError"], named: `[z.object({ a: z.number() }).safeParse({ a: "1" }).error instanceof ZodError, z.array(z.string()).parse(["a"])]` },
  { name: "ajv", shape: "CommonJS with __esModule, default class", def: `typeof D`, names: ["Ajv", "_"], named: `[new Ajv().validate({ type: "integer" }, 3), typeof _]` },
  { name: "moment", shape: "UMD, module.exports = fn", def: `D.utc("2020-02-03T04:05:06Z").format("YYYY-MM-DD HH:mm")`, names: ["utc", "isMoment"], named: `[utc("2021-01-01T00:00:00Z").add(1, "day").toISOString(), isMoment(utc(0))]` },
  { name: "lodash", shape: "CommonJS, one big object", def: `D.chunk([1, 2, 3], 2)`, names: ["groupBy", "camelCase", "VERSION"], named: `[groupBy([1.2, 1.4, 2.1], Math.floor), camelCase("foo-bar baz"), VERSION]` },
  { name: "ms", shape: "module.exports = fn", def: `[D("2 days"), D(60000)]`, names: [], named: `` },
  { name: "semver", shape: "CommonJS, classes, getters-free object", def: `D.satisfies("1.2.3", "^1.0.0")`, names: ["SemVer", "inc", "compare"], named: `[new SemVer("1.2.3-beta.1").prerelease, inc("1.2.3", "minor"), compare("1.0.0", "2.0.0")]` },
  { name: "nanoid", shape: "dual ESM/CJS, sideEffects false", names: ["customAlphabet", "urlAlphabet"], named: `[customAlphabet("a", 5)(), urlAlphabet.length]` },
  { name: "commander", shape: "CommonJS classes behind an ESM wrapper (exports import)", names: ["Command", "Option"], named: `[new Command("x").option("-d, --debug").parse(["node", "x", "-d"]).opts(), new Option("-p <port>").long ?? null]` },
  { name: "deepmerge", shape: "module.exports = fn with a property", def: `[D({ a: { b: 1 } }, { a: { c: 2 } }), D.all([{ x: 1 }, { y: 2 }])]`, names: ["all"], named: `all([{ p: 1 }, { q: [1] }, { q: [2] }])` },
  { name: "http-errors", shape: "module.exports = fn with error classes as properties", def: `D(404, "nope").message`, names: ["NotFound", "isHttpError"], named: `[new NotFound("gone").statusCode, isHttpError(new NotFound())]` },
  { name: "bowser", shape: "CommonJS class with statics, exports map", def: `D.parse("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36").browser`, names: ["getParser"], named: `getParser("curl/8.0.1").getBrowserName()` },
  { name: "iconv-lite", shape: "CommonJS, lazily filled encodings", def: `D.decode(Buffer.from([0xe9]), "latin1")`, names: ["encode", "encodingExists"], named: `[Array.from(encode("é", "win1252")), encodingExists("utf16le")]` },
  { name: "p-limit", shape: "ESM only, default fn", def: `(async () => { const limit = D(1); return Promise.all([limit(async () => 1), limit(async () => 2)]); })()`, names: [], named: `` },
  { name: "lru-cache", shape: "dual, exports conditions, class", names: ["LRUCache"], named: `[...new LRUCache({ max: 2 }).set("a", 1).set("b", 2).set("c", 3).keys()]` },
  { name: "minimatch", shape: "dual, fn and class", names: ["minimatch", "Minimatch"], named: `[minimatch("src/a.ts", "src/*.ts"), new Minimatch("*.js").match("a.js")]` },
  { name: "pretty-bytes", shape: "ESM only, default fn", def: `[D(1337), D(1e9, { binary: true })]`, names: [], named: `` },
  { name: "entities", shape: "dual, named fns", names: ["encodeHTML", "decodeHTML"], named: `[encodeHTML("<a & b>"), decodeHTML("&lt;&eacute;&gt;")]` },
  { name: "@aws-sdk/client-s3", shape: "CommonJS with __esModule and classes (dist-cjs)", names: ["S3Client", "GetObjectCommand"], named: `[new GetObjectCommand({ Bucket: "b", Key: "k" }).input, typeof new S3Client({ region: "eu-west-1" }).send]` },
  { name: "@aws-sdk/util-dynamodb", shape: "CommonJS with __esModule, fns", names: ["marshall", "unmarshall"], named: `[marshall({ id: "1", n: 2, tags: ["a"] }), unmarshall({ x: { N: "5" } })]` },
  { name: "@aws-sdk/lib-dynamodb", shape: "CommonJS with __esModule, classes over another package", names: ["PutCommand", "DynamoDBDocumentClient"], named: `[new PutCommand({ TableName: "t", Item: { id: "1" } }).input, typeof DynamoDBDocumentClient.from]` },
  { name: "@aws-lambda-powertools/logger", shape: "dual, exports conditions, class", names: ["Logger"], named: `new Logger({ serviceName: "corpus", logLevel: "ERROR" }).getLevelName()` },
  { name: "uuid", shape: "ESM only, node/default conditions", names: ["v5", "validate", "NIL"], named: `[v5("hello", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), validate(NIL)]` },
  { name: "dayjs", shape: "UMD, module.exports = fn with statics", def: `D("2020-01-02T03:04:05.000Z").toISOString()`, names: ["isDayjs", "unix"], named: `[isDayjs(unix(0)), unix(86400).valueOf()]` },
  { name: "yaml", shape: "CommonJS (node condition), classes", def: `typeof D.parse`, names: ["parse", "stringify", "Document"], named: `[parse("a: [1, 2]\\nb: x"), stringify({ k: [true] }), new Document({ z: 1 }).toString()]` },
  { name: "jsonwebtoken", shape: "CommonJS, error classes", def: `D.decode(D.sign({ sub: "1" }, "s", { noTimestamp: true }))`, names: ["sign", "verify", "JsonWebTokenError"], named: `[verify(sign({ a: 1 }, "k", { noTimestamp: true }), "other", (e) => e) instanceof JsonWebTokenError, verify(sign({ a: 1 }, "k", { noTimestamp: true }), "other", (e) => e.message)]` },
  { name: "cookie", shape: "CommonJS with __esModule (TypeScript output)", def: `Object.keys(D).length > 0`, names: ["parse", "serialize"], named: `[parse("a=1; b=two"), serialize("s", "v", { httpOnly: true })]` },
  { name: "fast-xml-parser", shape: "dual, import/require conditions, class", names: ["XMLParser", "XMLBuilder"], named: `[new XMLParser().parse("<a><b>1</b></a>"), new XMLBuilder().build({ r: { x: 2 } })]` },
  { name: "@middy/core", shape: "ESM only, default fn", def: `(async () => { const h = D(async (e) => e.n * 2); return h({ n: 21 }, {}); })()`, names: [], named: `` },
  { name: "picocolors", shape: "CommonJS object built by a factory", def: `typeof D.createColors`, names: ["createColors"], named: `createColors(false).red("plain")` },
  { name: "tla-config", shape: "project package with top-level await (fixtures/lazy-corpus)", def: `D.region`, names: ["get"], named: `get("stage")`, tla: true },
];
