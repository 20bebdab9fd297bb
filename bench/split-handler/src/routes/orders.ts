import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { z } from "zod";
import { ddb } from "../lib/clients.js";
import { json, type HttpEvent, type HttpResult } from "../lib/http.js";
import { logger } from "../lib/logger.js";

const Order = z.object({
  id: z.string().regex(/^ord_[a-z0-9]{6,}$/),
  customer: z.string().email(),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  note: z.string().max(200).optional(),
});
type Order = z.infer<typeof Order>;

const TABLE = process.env.ORDERS_TABLE ?? "orders";

/** POST /orders: validate, then describe the item that would be written. */
export function createOrder(event: HttpEvent): HttpResult {
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? "");
  } catch {
    return json(400, { error: "body is not JSON" });
  }
  const parsed = Order.safeParse(body);
  if (!parsed.success) {
    return json(400, { error: "invalid order", issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`) });
  }
  const order: Order = parsed.data;
  const command = new PutCommand({ TableName: TABLE, Item: { pk: `ORDER#${order.id}`, ...order } });
  logger.info("order accepted", { id: order.id });
  return json(201, {
    id: order.id,
    command: command.constructor.name,
    table: command.input.TableName,
    item: marshall(command.input.Item, ddb.config.translateConfig?.marshallOptions),
    units: order.items.reduce((n, i) => n + i.quantity, 0),
  });
}

/** GET /orders/{id}: the key the lookup would use. */
export function getOrder(event: HttpEvent): HttpResult {
  const id = z.string().regex(/^ord_[a-z0-9]{6,}$/).safeParse(event.pathParameters?.id);
  if (!id.success) return json(404, { error: "no such order" });
  return json(200, { key: marshall({ pk: `ORDER#${id.data}` }) });
}
