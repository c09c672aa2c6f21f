/**
 * The few parts of Express's request and response the controllers use
 * (the project carries no Express typings; Nest hands these objects over).
 */
export interface HttpResponse {
  headersSent: boolean;
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  setHeader(name: string, value: string): HttpResponse;
  json(body: unknown): void;
  send(body: string | Buffer): void;
}

export interface HttpRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
