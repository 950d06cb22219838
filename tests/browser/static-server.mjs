// A loopback-only static file server for browser tests: serves named routes from files or bytes.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** `routes` maps a URL path to a file path or to `{ body, type }`. Resolves to the base URL. */
export function serve(routes) {
  const server = createServer((request, response) => {
    const route = routes[new URL(request.url, 'http://127.0.0.1').pathname];
    if (route === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = typeof route === 'string' ? readFileSync(route) : route.body;
    const type = typeof route === 'string' ? TYPES[extname(route)] : route.type;
    response.writeHead(200, { 'content-type': type ?? 'application/octet-stream' }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() });
    });
  });
}
