import { GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { s3 } from "../lib/clients.js";
import { json, type HttpEvent, type HttpResult } from "../lib/http.js";

const BUCKET = process.env.FILES_BUCKET ?? "example-files";

/** GET /files/{key}: a presigned download link (signed locally, no network call). */
export async function fileLink(event: HttpEvent): Promise<HttpResult> {
  const key = event.pathParameters?.key;
  if (!key) return json(400, { error: "key is required" });
  const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 }));
  // The signature and date change every second: answer with the stable parts.
  return json(200, {
    host: url.host,
    path: url.pathname,
    expires: url.searchParams.get("X-Amz-Expires"),
    signed: url.searchParams.has("X-Amz-Signature"),
  });
}
