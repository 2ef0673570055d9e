/**
 * The envelope every Authing v3 API call answers with, success and business error alike.
 * `statusCode === 200` and only that means success.
 */
export interface AuthingResponse<T = unknown> {
  statusCode: number;
  message: string;
  /** Business error code; absent on success. */
  apiCode?: number;
  /** Identifies the request for Authing's support; present on errors. */
  requestId?: string;
  data: T;
}

/** `data` of a paginated list. */
export interface Paginated<T> {
  list: T[];
  totalCount: number;
}

/** Pagination input shared by the list calls: `page` counts from 1, `limit` is at most 50 on Authing. */
export interface PaginationOptions {
  page?: number;
  limit?: number;
}

/** Narrows a response to a success. */
export function isSuccess<T>(response: AuthingResponse<T>): boolean {
  return response.statusCode === 200;
}

/** True when a parsed JSON value has the shape of an Authing envelope. */
export function looksLikeEnvelope(value: unknown): value is AuthingResponse {
  return (
    typeof value === 'object' && value !== null && typeof (value as { statusCode?: unknown }).statusCode === 'number'
  );
}
