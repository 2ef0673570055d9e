import { AuthingArgumentError } from './errors.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/**
 * The body of Authing's event-publishing endpoints (`pub-event`, `pub-userEvent`): the event name
 * and its data as strings, and a `source` naming this SDK as `x-authing-sdk-version` does.
 */
export function pubEventBody(eventName: string, data: unknown): Record<string, unknown> {
  if (typeof data !== 'string') throw new AuthingArgumentError('data', 'must be a string');
  return { eventType: eventName, source: `${SDK_NAME}: ${SDK_VERSION}`, eventData: data };
}
