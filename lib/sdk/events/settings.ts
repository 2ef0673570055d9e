import { AuthingArgumentError } from '../errors.js';
import { eventRetries } from './options.js';
import { DEFAULT_SOCKET_URI, socketBase } from './subscription.js';

/** Event socket settings of a client: validated `socketUri` and `retryTimes`. */
export interface EventSettings {
  socketUri: string;
  retryTimes: number;
}

/** Reads and checks the event options of a client's options object. */
export function eventSettings(options: { socketUri?: unknown; retryTimes?: unknown }): EventSettings {
  const uri = options.socketUri ?? DEFAULT_SOCKET_URI;
  if (typeof uri !== 'string') throw new AuthingArgumentError('socketUri', 'must be a ws:// or wss:// URL');
  return { socketUri: socketBase(uri), retryTimes: eventRetries(options.retryTimes) };
}

/**
 * Settings per shared client core: clients derived with `withAccessToken` share the core, and so
 * the settings, without the core knowing about events.
 */
export const EVENT_SETTINGS = new WeakMap<object, EventSettings>();
