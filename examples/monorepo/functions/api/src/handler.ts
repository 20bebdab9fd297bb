import { randomUUID } from "node:crypto";

interface Event {
  name?: string;
}

export const handler = async (event: Event) => ({
  statusCode: 200,
  body: JSON.stringify({ hello: event.name ?? "world", id: randomUUID().length }),
});
