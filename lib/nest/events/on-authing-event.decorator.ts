import { SetMetadata } from '@nestjs/common';

/** Metadata key of {@link OnAuthingEvent}. */
export const AUTHING_EVENT_KEY = 'authing:event';

/**
 * Runs the decorated provider method for each `eventCode` event (`authing.user.created`…) once
 * `AuthingEventsModule` is imported: the method gets the event (parsed from JSON when it is JSON)
 * and the raw message string. Subscriptions open at start-up and close on shutdown.
 *
 * @example
 * \@OnAuthingEvent('authing.user.created')
 * onUserCreated(event: { eventType: string; data: { userId: string } }) { … }
 */
export const OnAuthingEvent = (eventCode: string): MethodDecorator => {
  if (typeof eventCode !== 'string' || eventCode === '') {
    throw new TypeError('OnAuthingEvent: eventCode must be a non-empty string');
  }
  return SetMetadata(AUTHING_EVENT_KEY, eventCode);
};
