export interface HttpEvent {
  httpMethod: string;
  path: string;
  pathParameters?: Record<string, string | undefined> | null;
  body?: string | null;
}

export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
