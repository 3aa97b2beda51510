// The service worker (web_src/sw/sw.js) run without a browser, against one in-memory CacheStorage
// shared by every site of an origin, as a browser shares it: a site's worker deletes only its own old
// caches, so two sites on one origin (a user's GitHub Pages sites) both keep their offline copy.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import vm from 'node:vm';

const SOURCE = fs.readFileSync(new URL('../../web_src/sw/sw.js', import.meta.url), 'utf8');
const PRECACHE = ['index.html', 'assets/app.js', 'model/model.json'];
const MEDIA = ['media/ambience/rain.ogg', 'media/drums/bd_jazz.ogg'];

function cacheStorage() {
  const stores = new Map();
  const open = (name) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name);
    return {
      addAll: async (requests) => requests.forEach((r) => store.set(r.url, `body of ${r.url}`)),
      put: async (url, response) => store.set(url, response),
      match: async (url) => store.get(url),
      keys: async () => [...store.keys()].map((url) => ({ url })),
    };
  };
  return {
    stores,
    open: async (name) => open(name),
    keys: async () => [...stores.keys()],
    delete: async (name) => stores.delete(name),
  };
}

// Loads a worker for `scope` (the build's VERSION, PRECACHE and MEDIA in front, as builder/pwa.py writes them).
function worker(scope, version, caches) {
  const listeners = {};
  const self = {
    registration: { scope },
    addEventListener: (type, listener) => (listeners[type] = listener),
    clients: { claim: async () => {} },
    skipWaiting: () => {},
  };
  class Request {
    constructor(url, init) {
      this.url = url;
      this.init = init;
    }
  }
  const context = vm.createContext({ self, caches, Request, URL, fetch: async () => ({ ok: true, status: 200 }) });
  vm.runInContext(`const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(PRECACHE)};\nconst MEDIA = ${JSON.stringify(MEDIA)};\n${SOURCE}`, context);
  const run = async (type) => {
    let done;
    listeners[type]({ waitUntil: (promise) => (done = promise) });
    await done;
  };
  return { install: () => run('install'), activate: () => run('activate') };
}

async function deploy(scope, version, caches) {
  const sw = worker(scope, version, caches);
  await sw.install();
  await sw.activate();
}

const A = 'https://user.github.io/a/';
const B = 'https://user.github.io/b/';
const NESTED = 'https://user.github.io/a/b/';

test('a second site on the origin keeps the first one offline, and each update deletes only its own old caches', async () => {
  const caches = cacheStorage();
  await deploy(A, 'a1', caches);
  await deploy(B, 'b1', caches);
  await deploy(NESTED, 'n1', caches);
  const before = await caches.keys();
  await deploy(A, 'a2', caches); // A's new build: A's old cache goes, B's and the nested site's stay
  const after = await caches.keys();
  assert.deepEqual(
    after.filter((name) => !before.includes(name)),
    [`lofi-player:${A}:a2`, `lofi-player:${A}:media-a2`],
  );
  assert.deepEqual(
    before.filter((name) => !after.includes(name)),
    [`lofi-player:${A}:a1`, `lofi-player:${A}:media-a1`],
  );
  for (const scope of [B, NESTED]) {
    const store = caches.stores.get(`lofi-player:${scope}:${scope === B ? 'b1' : 'n1'}`);
    assert.ok(store.has(`${scope}index.html`), `${scope} is still offline`);
    const media = caches.stores.get(`lofi-player:${scope}:media-${scope === B ? 'b1' : 'n1'}`);
    assert.ok(media.has(`${scope}${MEDIA[0]}`), `${scope}'s media are still kept`);
  }
});

test("an old build's unscoped cache is deleted only by its own site's worker", async () => {
  const caches = cacheStorage();
  const old = async (name, scope, paths) => (await caches.open(name)).addAll(paths.map((p) => ({ url: scope + p })));
  await old('lofi-player-aaaa', A, PRECACHE);
  await old('lofi-player-media-aaaa', A, ['media/rain.ogg']);
  await old('lofi-player-bbbb', B, PRECACHE);
  await old('lofi-player-nnnn', NESTED, PRECACHE); // under A's scope, but another site's files
  await old('lofi-player-media-nnnn', NESTED, ['media/rain.ogg']);
  await deploy(A, 'a2', caches);
  assert.deepEqual(
    (await caches.keys()).sort(),
    ['lofi-player-bbbb', 'lofi-player-media-nnnn', 'lofi-player-nnnn', `lofi-player:${A}:a2`, `lofi-player:${A}:media-a2`].sort(),
  );
});
