import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";

// Clients at module scope, reused across invocations (the AWS-recommended pattern).
export const s3 = new S3Client({ region: process.env.AWS_REGION ?? "eu-west-1" });
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: process.env.AWS_REGION ?? "eu-west-1" }), {
  marshallOptions: { removeUndefinedValues: true },
});
