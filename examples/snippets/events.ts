import { ManagementClient } from 'nestjs-authing/sdk';
import type { AuthingEmulator } from 'nestjs-authing/testing';

/** Logs each user created in the emulator; returns the function that unsubscribes. */
export function watchNewUsers(emulator: AuthingEmulator): () => void {
  const management = new ManagementClient({
    ...emulator.accessKey,
    host: emulator.host,
    socketUri: emulator.socketUri,
  });
  return management.sub('authing.user.created', (data) => console.log(JSON.parse(data)));
}
