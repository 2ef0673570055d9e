import { io } from 'socket.io-client';

export function connectLive(origin: string, getToken: () => Promise<string>) {
  // `auth` as a function: each (re)connection presents a fresh token.
  const socket = io(`${origin}/live`, { auth: (send) => void getToken().then((token) => send({ token })) });
  socket.on('connect_error', (error: Error & { data?: { statusCode: number; check?: string } }) => {
    console.warn(`refused: ${error.message}`, error.data); // e.g. 401 { check: 'expired' }
  });
  // A guard's refusal of one message: { status: 'error', statusCode: 401 | 403, error, message }.
  socket.on('exception', (refusal: { statusCode: number; message: string }) => {
    if (refusal.statusCode === 401) socket.disconnect().connect(); // reconnect with a new token
  });
  return socket;
}
