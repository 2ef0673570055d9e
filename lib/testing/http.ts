import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * Business error codes the emulator answers with. Where Authing's public error-code table has a
 * matching code it is used; the 9xxx codes are the emulator's own.
 */
export const API_CODES = {
  /** Management request not authenticated: signature, access key, date or nonce. */
  NO_PERMISSION: 1001,
  /** Wrong verification code (passcode). */
  BAD_PASSCODE: 2001,
  /** User does not exist. */
  USER_NOT_FOUND: 2004,
  /** User is locked or suspended. */
  USER_LOCKED: 2005,
  /** Incorrect password. */
  BAD_PASSWORD: 2006,
  /** Application does not exist, or its client authentication failed. */
  APP_NOT_FOUND: 2011,
  /** End-user call without a valid access token. */
  NOT_LOGGED_IN: 2020,
  /** Invalid argument: malformed JSON, missing or mistyped field. */
  INVALID_ARGUMENT: 9400,
  /** Unknown endpoint. */
  UNKNOWN_ENDPOINT: 9404,
  /** Role, group, resource or other object not found. */
  NOT_FOUND: 9410,
  /** Unique value already taken (email, phone, username, role code…). */
  ALREADY_EXISTS: 9409,
  /** Request body too large. */
  TOO_LARGE: 9413,
  /** Unexpected emulator failure. */
  INTERNAL: 9500,
} as const;

/** A business error, answered as an Authing envelope at HTTP 200. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly apiCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function invalidArgument(message: string): ApiError {
  return new ApiError(400, API_CODES.INVALID_ARGUMENT, message);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, API_CODES.NOT_FOUND, message);
}

export function conflict(message: string): ApiError {
  return new ApiError(400, API_CODES.ALREADY_EXISTS, message);
}

export function newRequestId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 24);
}

/** Largest request body the emulator reads (Authing's own limit is larger; bodies here are small). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body; rejects with an ApiError past {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new ApiError(413, API_CODES.TOO_LARGE, 'Request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
    });
  });
}

/** Parses a JSON object body; empty means `{}`; anything else than an object is an argument error. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidArgument('Malformed JSON body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('The JSON body must be an object');
  }
  return value as Record<string, unknown>;
}

export function parseForm(raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw.toString('utf8'))) out[k] = v;
  return out;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    ...headers,
  });
  res.end(html);
}

/** Authing's success envelope. */
export function successEnvelope(data: unknown, message = 'success'): Record<string, unknown> {
  return { statusCode: 200, message, data };
}

/** Authing's error envelope: `statusCode` is the category, `apiCode` the business error. */
export function errorEnvelope(error: ApiError, requestId: string): Record<string, unknown> {
  return { statusCode: error.statusCode, message: error.message, apiCode: error.apiCode, requestId, data: null };
}

/** Whether a browser origin may call the emulator (see {@link appOrigins}). */
export type OriginPolicy = (origin: string) => boolean;

/**
 * CORS headers for a browser caller from an allowed origin (those of the applications' redirect
 * URIs and web origins), without credentials: these endpoints take tokens, never cookies.
 */
export function corsHeaders(req: IncomingMessage, allowed: OriginPolicy): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin) return {};
  if (!allowed(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** Answers a CORS preflight (403 for an origin no application allows); true when the request was one. */
export function handlePreflight(req: IncomingMessage, res: ServerResponse, allowed: OriginPolicy): boolean {
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin || !req.headers['access-control-request-method']) return false;
  if (!allowed(origin)) {
    sendJson(
      res,
      403,
      { error: 'invalid_request', error_description: `origin ${origin} is not allowed` },
      {
        vary: 'Origin',
      },
    );
    return true;
  }
  res.writeHead(204, {
    ...corsHeaders(req, allowed),
    'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ?? 'authorization, content-type, x-authing-app-id',
    'access-control-max-age': '600',
  });
  res.end();
  return true;
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
