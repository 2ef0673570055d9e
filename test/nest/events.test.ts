import 'reflect-metadata';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthingModule } from '../../lib/nest/index.js';
import { AuthingEventsModule } from '../../lib/nest/events/authing-events.module.js';
import { OnAuthingEvent } from '../../lib/nest/events/on-authing-event.decorator.js';
import { ManagementClient } from '../../lib/sdk/index.js';
import { AuthingEmulator } from '../../lib/testing/index.js';

const received: unknown[] = [];

@Injectable()
class UserEvents {
  @OnAuthingEvent('authing.user.created')
  onCreated(event: unknown): void {
    received.push(event);
  }
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Nest: @OnAuthingEvent', () => {
  let emulator: AuthingEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    emulator = await AuthingEmulator.start();
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthingModule.forRoot({
          appId: emulator.app.appId,
          appSecret: emulator.app.appSecret,
          appHost: emulator.appHost,
          accessKeyId: emulator.accessKey.accessKeyId,
          accessKeySecret: emulator.accessKey.accessKeySecret,
          host: emulator.host,
          loadSigningKeysOnStart: false,
        }),
        AuthingEventsModule.forRoot({ socketUri: emulator.socketUri }),
      ],
      providers: [UserEvents],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it('runs the decorated method when a user is created, and closes the socket on shutdown', async () => {
    await until(() => emulator.eventSubscriberCount('authing.user.created') === 1);
    const management = new ManagementClient({ ...emulator.accessKey, host: emulator.host, retry: false });
    const created = await management.createUser({ email: 'kim@example.com' });
    await management.close();
    await until(() => received.length === 1);
    expect(received[0]).toMatchObject({ eventType: 'authing.user.created', data: { userId: created.data.userId } });
    await app.close();
    await until(() => emulator.eventSubscriberCount('authing.user.created') === 0);
  });
});
