// The service worker: the player keeps working with the network off after one visit.
// builder/pwa.py writes dist/sw.js as two constants followed by this file:
//   VERSION   a hash of every file the build wrote, so each new build is a new worker and cache;
//   PRECACHE  the build's own file list (paths relative to the site): the app shell, the model,
//             the songs and the media manifest;
//   MEDIA     every file under media/ (samples, drums, ambiences, quotes): kept at install too, so
//             every choice plays offline after one visit, not only what was played.
// Everything is relative to the worker's scope, so the site works from any sub-path.
//
// Updates: a new build's worker installs beside the old one and waits; the page offers to switch
// ("skip-waiting"), then reloads under the new worker, which deletes the old caches. A page is never
// served a mix of two builds.

//
// Two sites on one origin (every GitHub Pages site of a user shares https://USER.github.io) share one
// CacheStorage, so each cache name carries the worker's scope, and a worker deletes only its own
// site's old caches: a second site must never delete the first one's offline copy.

/* global VERSION, PRECACHE, MEDIA */
const SCOPE = self.registration.scope;
const OWN_PREFIX = `lofi-player:${SCOPE}:`; // the ':' after the scope: /a/ never matches /a/b/'s caches
const PRECACHE_NAME = `${OWN_PREFIX}${VERSION}`;
const RUNTIME_NAME = `${OWN_PREFIX}media-${VERSION}`;
const RUNTIME_PREFIX = 'media/';
// Builds before the scope was in the name called their caches `lofi-player-VERSION` and
// `lofi-player-media-VERSION`, whatever their site: one is this site's only if all it holds is one
// of this site's files (a site at a deeper path, /a/b/ under /a/, holds b/... and is left alone).
const UNSCOPED_PREFIX = 'lofi-player-';

self.addEventListener('install', (event) => {
  event.waitUntil(
    Promise.all([
      caches.open(PRECACHE_NAME).then((cache) =>
        // cache: 'reload' skips the HTTP cache, so the files are this build's, not stale copies.
        cache.addAll(PRECACHE.map((path) => new Request(new URL(path, SCOPE).href, { cache: 'reload' }))),
      ),
      keepMedia(),
    ]),
  );
});

// Every media file, each on its own: one that fails (a flaky network) leaves the install whole, and
// is cached the first time it is played instead. 'no-cache' revalidates with the server, so a file the
// page has just played comes from the HTTP cache (a 304) instead of being downloaded again.
async function keepMedia() {
  const runtime = await caches.open(RUNTIME_NAME);
  await Promise.allSettled(
    MEDIA.map(async (path) => {
      const href = new URL(path, SCOPE).href;
      if (await runtime.match(href)) return;
      const response = await fetch(new Request(href, { cache: 'no-cache' }));
      if (response.ok && response.status === 200) await runtime.put(href, response);
    }),
  );
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([PRECACHE_NAME, RUNTIME_NAME]);
      for (const name of await caches.keys()) {
        if (keep.has(name)) continue;
        if (name.startsWith(OWN_PREFIX) || (name.startsWith(UNSCOPED_PREFIX) && (await holdsOnlyOurs(name)))) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

async function holdsOnlyOurs(name) {
  const ours = new Set(PRECACHE);
  const requests = await (await caches.open(name)).keys();
  return (
    requests.length > 0 &&
    requests.every((request) => {
      if (!request.url.startsWith(SCOPE)) return false;
      const path = request.url.slice(SCOPE.length);
      return ours.has(path) || path.startsWith(RUNTIME_PREFIX);
    })
  );
}

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'skip-waiting') self.skipWaiting();
  if (data.type === 'version') event.source?.postMessage({ type: 'version', version: VERSION, files: PRECACHE.length });
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(respond(request));
});

async function respond(request) {
  const url = new URL(request.url);
  url.hash = '';
  url.search = '';
  let path = url.href.slice(SCOPE.length);
  if (request.mode === 'navigate' && path === '') path = 'index.html';
  const precache = await caches.open(PRECACHE_NAME);
  const hit = await precache.match(new URL(path, SCOPE).href);
  if (hit) return hit;
  if (path.startsWith(RUNTIME_PREFIX)) {
    // Samples, drum one-shots, ambiences, quotes: kept at install; one that was missed then is
    // cached the first time it is played.
    const runtime = await caches.open(RUNTIME_NAME);
    const cached = await runtime.match(url.href);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && response.status === 200) await runtime.put(url.href, response.clone());
    return response;
  }
  return fetch(request);
}
