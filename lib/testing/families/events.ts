import { invalidArgument } from '../http.js';
import { requireString } from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/**
 * `pub-event` and `pub-userEvent` (an end-user event published by the server, as the official
 * SDK's `pubUserEvent`): publish to the subscribers of the event code, the event data string as is.
 */
export function registerEvents(ctx: FamilyContext): void {
  const { store, route } = ctx;
  const publish = (args: Record<string, unknown>) => {
    const eventType = requireString(args, 'eventType');
    const eventData = args.eventData;
    if (typeof eventData !== 'string') throw invalidArgument('Field eventData must be a string');
    store.emit(eventType, eventData);
    return { success: true };
  };
  route('POST', 'pub-event', publish);
  route('POST', 'pub-userEvent', publish);
}
