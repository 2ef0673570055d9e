// Drives the bearer load from its own process (so the load generator does not share the event loop
// with the application under test): autocannon sends `amount` GET /api/me requests over
// `connections` keep-alive connections, each with one of `tokens` in turn, and checks that every
// answer names the user of the token it carried. Reads its settings as JSON on stdin, prints the
// figures as JSON on stdout.
import autocannon from 'autocannon';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { url, tokens, subs, amount, connections } = JSON.parse(input);

let next = 0;
let checked = 0;
let wrongUser = 0;
const result = await autocannon({
  url,
  connections,
  amount,
  requests: [
    {
      method: 'GET',
      path: '/api/me',
      setupRequest(request, context) {
        const i = next++ % tokens.length;
        context.sub = subs[i];
        return { ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[i]}` } };
      },
      onResponse(status, body, context) {
        checked++;
        if (status !== 200) return;
        try {
          const me = JSON.parse(body);
          if (me.sub !== context.sub || me.via !== 'bearer') wrongUser++;
        } catch {
          wrongUser++;
        }
      },
    },
  ],
});

process.stdout.write(
  JSON.stringify({
    requestsPerSec: result.requests.average,
    total: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    checked,
    wrongUser,
  }),
);
