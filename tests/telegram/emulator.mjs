// Starts telegram-test-api (a Bot API emulator) on loopback for Omniline's Telegram tests,
// behind a small HTTP front that can make the next Bot API calls fail (POST /__fail
// {"count": N, "status": 429|500, "retry_after": S, "method": "sendMessage"}) so that retries
// are tested against the real emulator. Prints "ready <port>" once both listen.
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');

const freePort = () =>
  new Promise((ok, fail) => {
    const s = net.createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const inner = await freePort();
const emulator = new TelegramServer({ port: inner, host: '127.0.0.1', storeTimeout: 600 });
await emulator.start();

const failures = [];
const calls = {};
const readBody = (req) =>
  new Promise((ok) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => ok(b));
  });

const front = http.createServer(async (req, res) => {
  if (req.method === 'POST' && req.url === '/__fail') {
    const f = JSON.parse((await readBody(req)) || '{}');
    for (let i = 0; i < (f.count || 1); i++) failures.push(f);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
    return;
  }
  if (req.method === 'GET' && req.url === '/__calls') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(calls));
    return;
  }
  const bot = /^\/bot[^/]+\/([A-Za-z]+)/.exec(req.url || '');
  if (bot) {
    calls[bot[1]] = (calls[bot[1]] || 0) + 1;
    const i = failures.findIndex((f) => !f.method || f.method === bot[1]);
    if (i >= 0) {
      const f = failures.splice(i, 1)[0];
      await readBody(req);
      const status = f.status || 500;
      const body =
        status === 429
          ? { ok: false, error_code: 429, description: `Too Many Requests: retry after ${f.retry_after || 1}`,
              parameters: { retry_after: f.retry_after || 1 } }
          : { ok: false, error_code: status, description: 'Internal Server Error' };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
  }
  const fwd = http.request(
    { host: '127.0.0.1', port: inner, path: req.url, method: req.method, headers: req.headers },
    (r) => {
      res.writeHead(r.statusCode || 502, r.headers);
      r.pipe(res);
    },
  );
  fwd.on('error', () => {
    res.writeHead(502);
    res.end();
  });
  req.pipe(fwd);
});
front.listen(0, '127.0.0.1', () => {
  console.log(`ready ${front.address().port}`);
});
const stop = async () => {
  front.close();
  await emulator.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
