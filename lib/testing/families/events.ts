import { invalidArgument } from '../http.js';
import { requireString } from '../validate.js';
import type { FamilyContext } from '../api/registry.js';

/** `pub-event`: publishes an event to the subscribers of its code (the event data string as is). */
export function registerEvents(ctx: FamilyContext): void {
  const { store, route } = ctx;
  route('POST', 'pub-event', (args) => {
    const eventType = requireString(args, 'eventType');
    const eventData = args.eventData;
    if (typeof eventData !== 'string') throw invalidArgument('Field eventData must be a string');
    store.emit(eventType, eventData);
    return { success: true };
  });
}
