import { Logger } from "@aws-lambda-powertools/logger";

// Built once per container, as the powertools docs recommend.
export const logger = new Logger({ serviceName: "orders", logLevel: (process.env.LOG_LEVEL as "INFO" | undefined) ?? "WARN" });
