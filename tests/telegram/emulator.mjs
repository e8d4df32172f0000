// Starts telegram-test-api (a Bot API emulator) on loopback for Omniline's Telegram tests,
// behind a small HTTP front that adds what the emulator lacks and real Telegram does, and can
// make the next Bot API calls fail. Prints "ready <port>" once both listen.
//
// The front (test helpers start with /__):
// - POST /__fail {"count": N, "status": 429|500|403, "retry_after": S, "method": "sendMessage"}:
//   the next N calls of that Bot API method (any method when none is named; "file" for file
//   downloads) fail with that status, before anything is done.
// - GET /__calls: how often each Bot API method (and "file") was called.
// - POST /__upload?name=&mime= with the raw bytes: a file a simulated user sends, kept in memory;
//   answers {file_id, file_unique_id, file_size} for the test to put into a user's message.
// - GET /__bot_files: the files bots sent (sendPhoto/sendDocument), in order.
// - getFile {file_id} → {file_id, file_unique_id, file_size, file_path} (400 "Bad Request:
//   invalid file_id" for an unknown one, "file is too big" above 20 MB), and
//   GET /file/bot<token>/<file_path> serves the bytes, as Telegram does.
// - sendPhoto / sendDocument (multipart/form-data with the file, or JSON/form with a known
//   file_id): the file is stored and the message added to the emulator's chat like a
//   sendMessage with text = caption plus `photo` / `document`, so getUpdatesHistory shows them.
// - editMessageText of a message with a photo/document: 400 "there is no text in the message to
//   edit"; editMessageCaption edits such a message's caption.
// - getUpdates honours `offset` as Telegram does: updates stay until a later offset confirms
//   them (the emulator alone forgets an update once it returned it).
// - setWebhook {url, secret_token}: remembered per bot; the emulator posts updates to a relay on
//   the front (/__relay/<token>), which forwards each to the url with the header
//   X-Telegram-Bot-Api-Secret-Token and answers with its status (GET /__relayed lists them).
//   deleteWebhook forgets it; getWebhookInfo tells it.
import http from 'node:http';
import net from 'node:net';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const TelegramServer = require('telegram-test-api');

// The emulator calls webhooks without awaiting the promise: a webhook answering an error must
// not end the process.
process.on('unhandledRejection', () => {});

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
const readRaw = (req) =>
  new Promise((ok, fail) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });

const send = (res, status, body, headers = {}) => {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
    'content-length': data.length,
    ...headers,
  });
  res.end(data);
};
const ok = (res, result) => send(res, 200, { ok: true, result });
const refuse = (res, code, description) => send(res, code, { ok: false, error_code: code, description });

// --- files ---
const MB = 1024 * 1024;
const files = new Map(); // file_id → { file_id, file_unique_id, file_size, file_path, name, mime, bytes }
const byPath = new Map(); // file_path → the same
const botFiles = [];
let fileSeq = 0;
const storeFile = (bytes, name, mime, folder) => {
  fileSeq += 1;
  const dot = (name || '').lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot).replace(/[^A-Za-z0-9.]/g, '').slice(0, 10) : '';
  const f = {
    file_id: `BQAC${fileSeq}${crypto.randomBytes(12).toString('hex')}`,
    file_unique_id: `AgAD${fileSeq}`,
    file_size: bytes.length,
    file_path: `${folder}/file_${fileSeq}${ext}`,
    name: name || '',
    mime: mime || 'application/octet-stream',
    bytes,
  };
  files.set(f.file_id, f);
  byPath.set(f.file_path, f);
  return f;
};

// A Bot API call's parameters: query string, then a JSON, urlencoded or multipart body. File
// parts become { file: Buffer, name, type }.
const paramsOf = async (req, raw, url) => {
  const p = Object.fromEntries(url.searchParams);
  const ct = String(req.headers['content-type'] || '');
  if (raw.length === 0) return p;
  if (ct.includes('application/json')) {
    try {
      Object.assign(p, JSON.parse(raw.toString('utf8')));
    } catch {
      /* not JSON: no parameters */
    }
  } else if (ct.includes('application/x-www-form-urlencoded')) {
    Object.assign(p, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  } else if (ct.includes('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': ct } }).formData();
    for (const [k, v] of form.entries()) {
      p[k] = typeof v === 'string' ? v : { file: Buffer.from(await v.arrayBuffer()), name: v.name, type: v.type };
    }
  }
  return p;
};

const stripTags = (html) =>
  String(html || '')
    .replace(/<[^>]*>/g, '')
    .replace(/&(lt|gt|amp|quot);/g, 'x');

const botMessage = (token, chatId, messageId) =>
  emulator.storage.botMessages.find(
    (u) => u.botToken === token && String(u.messageId) === String(messageId) && String(u.message.chat_id) === String(chatId),
  );

const sendFile = (res, token, method, p) => {
  const kind = method === 'sendPhoto' ? 'photo' : 'document';
  if (p.chat_id === undefined || p.chat_id === '') return refuse(res, 400, 'Bad Request: chat_id is empty');
  let v = p[kind];
  if (typeof v === 'string' && v.startsWith('attach://')) v = p[v.slice(9)];
  let f;
  if (v && typeof v === 'object' && Buffer.isBuffer(v.file)) {
    if (v.file.length === 0) return refuse(res, 400, 'Bad Request: file must be non-empty');
    if (kind === 'photo' && v.file.length > 10 * MB) return refuse(res, 400, 'Bad Request: PHOTO_INVALID_DIMENSIONS');
    if (v.file.length > 50 * MB) return refuse(res, 413, 'Request Entity Too Large');
    f = storeFile(v.file, v.name || (kind === 'photo' ? 'photo.jpg' : 'document'), v.type,
                  kind === 'photo' ? 'photos' : 'documents');
  } else if (typeof v === 'string' && files.has(v)) {
    f = files.get(v);
  } else if (typeof v === 'string') {
    return refuse(res, 400, 'Bad Request: wrong file identifier/HTTP URL specified');
  } else {
    return refuse(res, 400, `Bad Request: there is no ${kind} in the request`);
  }
  if (stripTags(p.caption).length > 1024) return refuse(res, 400, 'Bad Request: message caption is too long');
  const message = { chat_id: p.chat_id, text: p.caption || '' };
  if (p.caption !== undefined) message.caption = p.caption;
  if (p.parse_mode !== undefined) message.parse_mode = p.parse_mode;
  if (kind === 'photo') {
    message.photo = [{ file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size, width: 0, height: 0 }];
  } else {
    message.document = {
      file_id: f.file_id, file_unique_id: f.file_unique_id, file_name: f.name, mime_type: f.mime, file_size: f.file_size,
    };
  }
  const result = emulator.addBotMessage(message, token);
  botFiles.push({
    chat_id: String(p.chat_id), message_id: result.message_id, kind, file_id: f.file_id, name: f.name,
    size: f.file_size, caption: p.caption || '',
  });
  return ok(res, result);
};

// --- updates and webhooks ---
const queues = new Map(); // token → updates not confirmed by an offset yet
const hooks = new Map(); // token → { url, secret_token }
const relayLog = []; // the webhook answers, in order
let frontPort = 0;

const getUpdates = (token, p) => {
  let q = queues.get(token) || [];
  q.push(...emulator.getUpdates(token));
  const offset = Number(p.offset || 0);
  if (offset > 0) q = q.filter((u) => u.update_id >= offset);
  queues.set(token, q);
  const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 100);
  return q.slice(0, limit);
};

const relay = async (req, res, token) => {
  const raw = await readRaw(req);
  const hook = hooks.get(token);
  if (!hook) return send(res, 404, { ok: false, description: 'no webhook' });
  const headers = { 'content-type': 'application/json' };
  if (hook.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = hook.secret_token;
  try {
    const r = await fetch(hook.url, { method: 'POST', headers, body: raw });
    const body = Buffer.from(await r.arrayBuffer());
    relayLog.push({ status: r.status });
    // The emulator gives up on an update its webhook refused but would reuse its update and
    // message ids for the next one: skip them, as Telegram's ids only grow.
    if (r.status > 204) {
      emulator.updateId += 1;
      emulator.messageId += 1;
    }
    res.writeHead(r.status, { 'content-type': r.headers.get('content-type') || 'application/json' });
    res.end(body);
  } catch (e) {
    relayLog.push({ status: 0, error: e.message });
    emulator.updateId += 1;
    emulator.messageId += 1;
    send(res, 502, { ok: false, description: `webhook unreachable: ${e.message}` });
  }
};

// Bot API methods the front answers itself; the others go to the emulator.
const own = {
  async getFile(res, token, p) {
    const f = files.get(String(p.file_id || ''));
    if (!f) return refuse(res, 400, 'Bad Request: invalid file_id');
    if (f.file_size > 20 * MB) return refuse(res, 400, 'Bad Request: file is too big');
    return ok(res, { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size, file_path: f.file_path });
  },
  sendPhoto: (res, token, p) => sendFile(res, token, 'sendPhoto', p),
  sendDocument: (res, token, p) => sendFile(res, token, 'sendDocument', p),
  async editMessageCaption(res, token, p) {
    const u = botMessage(token, p.chat_id, p.message_id);
    if (!u) return refuse(res, 400, 'Bad Request: message to edit not found');
    if (!u.message.photo && !u.message.document) return refuse(res, 400, 'Bad Request: there is no caption in the message to edit');
    if (stripTags(p.caption).length > 1024) return refuse(res, 400, 'Bad Request: message caption is too long');
    u.message = { ...u.message, caption: p.caption || '', text: p.caption || '', parse_mode: p.parse_mode };
    return ok(res, { ...u.message, message_id: u.messageId });
  },
  async editMessageText(res, token, p, forward) {
    const u = botMessage(token, p.chat_id, p.message_id);
    if (u && (u.message.photo || u.message.document)) return refuse(res, 400, 'Bad Request: there is no text in the message to edit');
    return forward();
  },
  async getUpdates(res, token, p) {
    return ok(res, getUpdates(token, p));
  },
  async setWebhook(res, token, p) {
    if (!p.url) {
      hooks.delete(token);
      emulator.deleteWebhook(token);
      return ok(res, true);
    }
    hooks.set(token, { url: String(p.url), secret_token: String(p.secret_token || '') });
    emulator.setWebhook({ url: `http://127.0.0.1:${frontPort}/__relay/${encodeURIComponent(token)}` }, token);
    return send(res, 200, { ok: true, result: true, description: 'Webhook was set' });
  },
  async deleteWebhook(res, token) {
    hooks.delete(token);
    emulator.deleteWebhook(token);
    return send(res, 200, { ok: true, result: true, description: 'Webhook was deleted' });
  },
  async getWebhookInfo(res, token) {
    const h = hooks.get(token);
    return ok(res, { url: h ? h.url : '', has_custom_certificate: false, pending_update_count: 0 });
  },
};

const forwardTo = (req, res, raw) => {
  const headers = { ...req.headers };
  if (raw !== undefined) headers['content-length'] = String(raw.length);
  delete headers['transfer-encoding'];
  const fwd = http.request({ host: '127.0.0.1', port: inner, path: req.url, method: req.method, headers }, (r) => {
    res.writeHead(r.statusCode || 502, r.headers);
    r.pipe(res);
  });
  fwd.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  if (raw !== undefined) fwd.end(raw);
  else req.pipe(fwd);
};

const front = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/__fail') {
      const f = JSON.parse((await readRaw(req)).toString('utf8') || '{}');
      for (let i = 0; i < (f.count || 1); i++) failures.push(f);
      return send(res, 200, { ok: true });
    }
    if (req.method === 'GET' && url.pathname === '/__calls') return send(res, 200, calls);
    if (req.method === 'GET' && url.pathname === '/__bot_files') return send(res, 200, botFiles);
    if (req.method === 'GET' && url.pathname === '/__relayed') return send(res, 200, relayLog);
    if (req.method === 'POST' && url.pathname === '/__upload') {
      const raw = await readRaw(req);
      if (raw.length === 0) return send(res, 400, { ok: false, description: 'empty file' });
      const f = storeFile(raw, url.searchParams.get('name') || '', url.searchParams.get('mime') || '', 'documents');
      return send(res, 200, { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.file_size });
    }
    const relayed = /^\/__relay\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'POST' && relayed) return await relay(req, res, decodeURIComponent(relayed[1]));

    const bot = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    const method = bot ? bot[2] : download ? 'file' : null;
    if (method) {
      calls[method] = (calls[method] || 0) + 1;
      const i = failures.findIndex((f) => !f.method || f.method === method);
      if (i >= 0) {
        const f = failures.splice(i, 1)[0];
        await readRaw(req);
        const status = f.status || 500;
        const body =
          status === 429
            ? { ok: false, error_code: 429, description: `Too Many Requests: retry after ${f.retry_after || 1}`,
                parameters: { retry_after: f.retry_after || 1 } }
            : { ok: false, error_code: status, description: status === 403 ? 'Forbidden: bot was blocked by the user' : 'Internal Server Error' };
        return send(res, status, body);
      }
    }
    if (download) {
      await readRaw(req);
      const f = byPath.get(decodeURIComponent(download[2]));
      if (!f || req.method !== 'GET') return refuse(res, 404, 'Not Found');
      return send(res, 200, f.bytes);
    }
    if (bot && own[bot[2]]) {
      const token = decodeURIComponent(bot[1]);
      const raw = await readRaw(req);
      const p = await paramsOf(req, raw, url);
      return await own[bot[2]](res, token, p, () => forwardTo(req, res, raw));
    }
    return forwardTo(req, res);
  } catch (e) {
    if (!res.headersSent) send(res, 500, { ok: false, error_code: 500, description: `front: ${e.message}` });
    else res.end();
  }
});
front.listen(0, '127.0.0.1', () => {
  frontPort = front.address().port;
  console.log(`ready ${frontPort}`);
});
const stop = async () => {
  front.close();
  await emulator.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
