import { Inject, UseGuards } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayInit } from '@nestjs/websockets';
import type { Namespace } from 'socket.io';
import { AuthingGuard, AuthingSockets, CurrentUser, Roles } from 'nestjs-authing';

@WebSocketGateway({ namespace: 'live' })
@UseGuards(AuthingGuard) // checks the handshake's token again for every message
export class LiveGateway implements OnGatewayInit {
  constructor(@Inject(AuthingSockets) private readonly sockets: AuthingSockets) {}

  // Optional: refuse connections without a valid token, and close a socket when its token expires.
  afterInit(namespace: Namespace) {
    namespace.use(this.sockets.middleware({ disconnectOnExpiry: true }));
  }

  @SubscribeMessage('chat')
  chat(@MessageBody() text: string, @CurrentUser('sub') sub: string) {
    return { from: sub, text }; // the client's ack
  }

  @SubscribeMessage('purge')
  @Roles('moderator')
  purge(@CurrentUser('sub') sub: string) {
    return { purgedBy: sub };
  }
}
