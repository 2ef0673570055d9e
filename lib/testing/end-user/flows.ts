import type { IncomingHttpHeaders } from 'node:http';
import { randomBytes } from 'node:crypto';
import { ApiError, API_CODES, invalidArgument } from '../http.js';
import type { AppRecord, Store, UserRecord } from '../store.js';
import { requireString, type Args } from '../validate.js';

/** Shared pieces of the end-user state machines (QR code, push and binding flows). */

export const newFlowId = (): string => randomBytes(16).toString('hex');

/** The application named by `x-authing-app-id`: what a browser or mobile app sends with every call. */
export function appFromHeader(store: Store, headers: IncomingHttpHeaders): AppRecord {
  const appId = headers['x-authing-app-id'];
  const app = typeof appId === 'string' ? store.apps.get(appId) : undefined;
  if (!app) throw new ApiError(400, API_CODES.APP_NOT_FOUND, 'Application does not exist: send x-authing-app-id');
  return app;
}

/** `args[field]` when it is one of `allowed`, else a 9400 naming the field and the values. */
export function requireEnum<T extends string>(args: Args, field: string, allowed: readonly T[]): T {
  const value = requireString(args, field);
  if (!allowed.includes(value as T)) throw invalidArgument(`Field ${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A short-lived record of a flow, or a 9410 when the id is unknown (never issued, or swept). */
export class FlowTable<T extends { expiresAt: number }> {
  readonly #rows = new Map<string, T>();

  constructor(
    private readonly label: string,
    private readonly max = 10_000,
  ) {}

  add(id: string, row: T): void {
    if (this.#rows.size >= this.max) this.#rows.delete(this.#rows.keys().next().value!);
    this.#rows.set(id, row);
  }

  require(id: string): T {
    const row = this.#rows.get(id);
    if (!row) throw new ApiError(404, API_CODES.NOT_FOUND, `${this.label} ${id} does not exist`);
    return row;
  }

  find(predicate: (row: T) => boolean): [string, T] | undefined {
    for (const entry of this.#rows) if (predicate(entry[1])) return entry;
    return undefined;
  }

  delete(id: string): void {
    this.#rows.delete(id);
  }
}

/** What a QR code or push prompt shows of the user: Authing's `briefUserInfo`. */
export function briefUserInfo(user: UserRecord): { displayName: string; photo: string } {
  const p = user.profile;
  return {
    displayName: p.nickname ?? p.name ?? p.username ?? p.email ?? p.phone ?? user.userId,
    photo: p.photo ?? '',
  };
}
