// The page's side of the service worker (web_src/sw/sw.js, written into the site by
// builder/pwa.py): registers it with a relative URL and scope (the site lives under a sub-path),
// tells the page when a new build is waiting, and switches to it when asked.
//
// Registering on a first visit makes the worker download the whole site for its precache (about
// 5 MB with every media file), which would compete with the model and the samples the first note needs. So registration
// waits for start(): the page calls it once the first note has sounded or the page has sat idle a
// while. A page a worker already controls (a return visit) registers at once: nothing is
// downloaded then, and a new build is noticed straight away. Any call that asks about the worker
// (info, ready, checkForUpdate) starts it too.

import { siteUrl } from '../urls.js';

export function createUpdates({ status, onUpdate = () => {} }) {
  const supported = typeof navigator !== 'undefined' && 'serviceWorker' in navigator;
  let registration = null;
  let updateReady = false;
  let switching = false;
  let error = null;

  function watch(worker) {
    if (!worker) return;
    const check = () => {
      // "installed" with a controller: a new build waits beside the one running this page.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) {
        updateReady = true;
        status.set('offline', 'info', 'A new version of the player is ready: press "Update" to switch to it.');
        onUpdate();
      }
    };
    worker.addEventListener('statechange', check);
    check();
  }

  let registered = null;
  const register = async () => {
    if (!supported) return null;
    try {
      registration = (await navigator.serviceWorker.register(siteUrl('sw.js'), { scope: siteUrl('./') })) ?? null;
      if (!registration) throw new Error('service workers are blocked here');
    } catch (err) {
      error = err.message;
      status.set('offline', 'warn', `Offline use unavailable: ${err.message}`);
      return null;
    }
    watch(registration.waiting);
    registration.addEventListener('updatefound', () => watch(registration.installing));
    // The worker keeps every media file at install (sw.js MEDIA), so nothing played before it took
    // over needs fetching again.
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      if (switching) window.location.reload(); // the new build takes over: reload onto it
    });
    navigator.serviceWorker.ready.then(() => {
      if (!updateReady) status.set('offline', 'ok', 'Saved for offline use: the player works without a network after this visit.');
    });
    return registration;
  };
  function start() {
    registered ??= register();
    return registered;
  }
  if (supported && navigator.serviceWorker.controller) start();

  // The version of the build the controlling worker serves ({version, files}), or null.
  function version() {
    const controller = supported ? navigator.serviceWorker.controller : null;
    if (!controller) return Promise.resolve(null);
    return new Promise((resolve) => {
      const listener = (event) => {
        if (event.data?.type !== 'version') return;
        navigator.serviceWorker.removeEventListener('message', listener);
        resolve({ version: event.data.version, files: event.data.files });
      };
      navigator.serviceWorker.addEventListener('message', listener);
      controller.postMessage({ type: 'version' });
      setTimeout(() => resolve(null), 3000);
    });
  }

  return {
    start,
    async info() {
      await start();
      const served = await version();
      return {
        supported,
        registered: registration !== null,
        controlled: Boolean(supported && navigator.serviceWorker.controller),
        version: served?.version ?? null,
        files: served?.files ?? null,
        updateReady,
        error,
      };
    },
    // Resolves once a worker controls the page (the first visit: after it has cached the site).
    async ready() {
      if (!supported) throw new Error('this browser has no service workers');
      await start();
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      }
      return this.info();
    },
    // Asks the server for a newer build; resolves to whether one is waiting.
    async checkForUpdate() {
      await start();
      if (!registration) return false;
      await registration.update();
      const worker = registration.installing || registration.waiting;
      if (worker && worker.state !== 'installed' && worker.state !== 'activated') {
        await new Promise((resolve) => {
          const done = () => ['installed', 'activated', 'redundant'].includes(worker.state) && resolve();
          worker.addEventListener('statechange', done);
          done();
        });
      }
      watch(registration.waiting);
      return updateReady;
    },
    // Switches to the waiting build; the page reloads when it takes over.
    applyUpdate() {
      const waiting = registration?.waiting;
      if (!waiting) return false;
      switching = true;
      waiting.postMessage({ type: 'skip-waiting' });
      return true;
    },
  };
}
