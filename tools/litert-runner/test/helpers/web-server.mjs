// A static server for web/ laid out by web/routes.json, as Graft's Java server does it: the
// model at /model.tflite, benchmark results POSTed to /result. For tests and manual use:
//   node test/helpers/web-server.mjs MODEL.tflite [PORT]   then open the printed URL.

import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.tflite': 'application/octet-stream',
};

/**
 * Starts a server on 127.0.0.1.
 * @returns {Promise<{url: string, results: object[], nextResult(): Promise<object>, close(): Promise<void>}>}
 */
export async function startWebServer(modelFile, port = 0) {
  const { routes, result: resultPath } = JSON.parse(await readFile(path.join(ROOT, 'web/routes.json'), 'utf8'));
  const results = [];
  const waiting = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (req.method === 'POST' && url.pathname === resultPath) {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        const result = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        results.push(result);
        waiting.splice(0).forEach((resolve) => resolve(result));
        res.writeHead(204).end();
        return;
      }
      const file = url.pathname === '/model.tflite' ? modelFile : resolve(routes, url.pathname);
      if (req.method !== 'GET' || !file) {
        res.writeHead(404).end();
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    results,
    nextResult: () => new Promise((resolve) => waiting.push(resolve)),
    // a browser's keep-alive connections would hold close() open: they are ended first
    close: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}

function resolve(routes, pathname) {
  if (routes[pathname] && !routes[pathname].endsWith('/')) return path.join(ROOT, routes[pathname]);
  for (const [prefix, target] of Object.entries(routes)) {
    if (!prefix.endsWith('/') || !target.endsWith('/') || !pathname.startsWith(prefix)) continue;
    const rest = pathname.slice(prefix.length);
    if (rest.split('/').some((part) => part === '..' || part === '')) return null;
    return path.join(ROOT, target, rest);
  }
  return null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [model, port] = process.argv.slice(2);
  if (!model) {
    process.stderr.write('usage: node test/helpers/web-server.mjs MODEL.tflite [PORT]\n');
    process.exit(2);
  }
  const server = await startWebServer(path.resolve(model), Number(port ?? 8080));
  process.stdout.write(`${server.url}?model=/model.tflite&runs=50&warmup=10&accelerator=wasm\n`);
  setInterval(() => {
    while (server.results.length) process.stdout.write(`${JSON.stringify(server.results.shift())}\n`);
  }, 500);
}
