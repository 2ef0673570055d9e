import { requireString } from '../checks.js';
import { AuthingArgumentError } from '../errors.js';
import type { PreparedCall } from '../catalogue/endpoint.js';
import { pubEventBody } from '../pub-event.js';
import { EVENT_SETTINGS } from './settings.js';
import { subscribe, type Unsubscribe } from './subscription.js';

/**
 * The end user's side of Authing's events, behind `AuthenticationClient.pub` and `.sub`: both act as
 * the signed-in user, so both need the user's access token.
 */

/** The `POST /api/v3/pub-userEvent` call publishing `eventName` with its (string) `data`. */
export function userEventCall(eventName: string, data: string, accessToken: string | undefined): PreparedCall {
  requireString(eventName, 'eventName');
  const body = pubEventBody(eventName, data);
  if (!accessToken) throw new AuthingArgumentError('accessToken', 'pub needs the user token: setAccessToken first');
  return { method: 'POST', path: '/api/v3/pub-userEvent', body };
}

/**
 * Subscribes the user to `eventCode` on `<socketUri>/events/v1/authentication/sub?code=...&token=...`
 * with the event settings of the client's shared `core`.
 */
export function subscribeUserEvent(
  core: object,
  accessToken: string | undefined,
  eventCode: string,
  callback: (data: string) => void,
  errCallback?: (error: Error) => void,
): Unsubscribe {
  requireString(eventCode, 'eventCode');
  if (typeof callback !== 'function') throw new AuthingArgumentError('callback', 'must be a function');
  if (!accessToken) throw new AuthingArgumentError('accessToken', 'sub needs the user token: setAccessToken first');
  const settings = EVENT_SETTINGS.get(core)!;
  const query = `code=${encodeURIComponent(eventCode)}&token=${encodeURIComponent(accessToken)}`;
  return subscribe({
    url: `${settings.socketUri}/events/v1/authentication/sub?${query}`,
    retryTimes: settings.retryTimes,
    onMessage: callback,
    onError: errCallback,
  });
}
