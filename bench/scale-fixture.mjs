// The scale fixture of bench/build.bench.mjs: a project of N functions (src/fns/fn-NNN.ts) that
// share a realistic dependency set, as a team's API does: S3 and DynamoDB clients built once at
// module scope in a shared lib, the DynamoDB document client, zod schemas, the powertools logger;
// every tenth function renders an image with sharp (native, shipped unbundled). Written inside
// the repository so the fixture resolves the repository's node_modules.
import fs from "node:fs";
import path from "node:path";

const pad = (i) => String(i).padStart(3, "0");

const LIB = {
  "src/lib/clients.ts": `import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
export const s3 = new S3Client({});
export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const table = process.env.TABLE ?? "items";
`,
  "src/lib/logger.ts": `import { Logger } from "@aws-lambda-powertools/logger";
export const logger = new Logger({ serviceName: "scale" });
`,
  "src/lib/schemas.ts": `import { z } from "zod";
export const Id = z.string().min(1).max(64);
export const Page = z.object({ limit: z.number().int().min(1).max(100).default(20), cursor: z.string().optional() });
`,
};

function fnSource(i) {
  const kind = i % 10 === 0 ? "image" : ["read", "write", "list"][i % 3];
  const head = `// Function ${i} of the scale fixture (${kind}).\nimport { z } from "zod";\nimport { logger } from "../lib/logger.js";\nimport { Id, Page } from "../lib/schemas.js";\n`;
  const input = `const Input = z.object({ id: Id, page: Page.optional(), tag: z.literal("fn-${pad(i)}").default("fn-${pad(i)}") });\n`;
  if (kind === "image") {
    return `${head}import sharp from "sharp";\n${input}
export const handler = async (event: unknown) => {
  const input = Input.parse(event ?? { id: "x" });
  const png = await sharp({ create: { width: ${4 + (i % 7)}, height: 3, channels: 3, background: "#336699" } }).png().toBuffer();
  logger.info("image", { id: input.id, bytes: png.length });
  return { fn: ${i}, tag: input.tag, bytes: png.length };
};
`;
  }
  const clients = `import { documents, s3, table } from "../lib/clients.js";\n`;
  const sdk = {
    read: `import { GetCommand } from "@aws-sdk/lib-dynamodb";\nimport { GetObjectCommand } from "@aws-sdk/client-s3";\n`,
    write: `import { PutCommand } from "@aws-sdk/lib-dynamodb";\nimport { PutObjectCommand } from "@aws-sdk/client-s3";\n`,
    list: `import { QueryCommand } from "@aws-sdk/lib-dynamodb";\nimport { ListObjectsV2Command } from "@aws-sdk/client-s3";\n`,
  }[kind];
  const command = {
    read: `new GetCommand({ TableName: table, Key: { id: input.id } }), new GetObjectCommand({ Bucket: table, Key: input.id })`,
    write: `new PutCommand({ TableName: table, Item: { id: input.id, fn: ${i} } }), new PutObjectCommand({ Bucket: table, Key: input.id, Body: "x" })`,
    list: `new QueryCommand({ TableName: table, KeyConditionExpression: "id = :id", ExpressionAttributeValues: { ":id": input.id } }), new ListObjectsV2Command({ Bucket: table, MaxKeys: input.page?.limit ?? 20 })`,
  }[kind];
  return `${head}${clients}${sdk}${input}
export const handler = async (event: unknown) => {
  const input = Input.parse(event ?? { id: "x" });
  const commands = [${command}];
  logger.info("${kind}", { id: input.id, commands: commands.length });
  // No network in the benchmark: the clients are built, the commands are not sent.
  return { fn: ${i}, tag: input.tag, clients: [typeof documents.send, typeof s3.send], commands: commands.map((c) => c.constructor.name) };
};
`;
}

/** Write the fixture for `n` functions at `dir` (replacing it); returns its entry points. */
export function writeScaleFixture(dir, n) {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(LIB)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.mkdirSync(path.join(dir, "src/fns"), { recursive: true });
  const entries = [];
  for (let i = 1; i <= n; i++) {
    const file = `src/fns/fn-${pad(i)}.ts`;
    fs.writeFileSync(path.join(dir, file), fnSource(i));
    entries.push(file);
  }
  return entries;
}
