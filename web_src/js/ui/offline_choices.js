// Offline, a drum pattern, ambience or quote whose files the service worker has not kept cannot
// play: its option says so in its own words, where it is chosen, instead of a red line after the
// choice. Online (or before the worker keeps anything), every option reads as it was written.
//
// The worker keeps all of media/ at install (sw.js), so this is the rare case: the install missed a
// file (a dropped connection), or the browser evicted some of the storage.

import { siteUrl } from '../urls.js';

const NOTE = ' (not saved for offline use)';

// The files each choice plays: {layer: {id: [url]}} (a caption-only quote plays no file).
function filesOf(manifest) {
  return {
    drums: Object.fromEntries((manifest.drums ?? []).map((p) => [p.id, (p.lanes ?? []).map((lane) => lane.url)])),
    ambience: Object.fromEntries((manifest.ambience ?? []).map((a) => [a.id, [a.url]])),
    quote: Object.fromEntries((manifest.quotes ?? []).map((q) => [q.id, q.url ? [q.url] : []])),
  };
}

export function bindOfflineChoices(selects) {
  if (typeof caches === 'undefined') return { check: async () => {} };
  let files = null;

  async function missing(urls) {
    for (const url of urls) if (!(await caches.match(siteUrl(url)))) return true;
    return false;
  }

  async function check() {
    const offline = navigator.onLine === false;
    if (offline && !files) {
      // The worker's copy, read from its cache: offline, a request would only fail (and one in
      // flight when the page reloads is cut off).
      const kept = await caches.match(siteUrl('media.json'));
      if (!kept) return; // no manifest: the choices themselves are missing, and the page already says so
      try {
        files = filesOf(await kept.json());
      } catch {
        return;
      }
    }
    for (const [layer, select] of Object.entries(selects)) {
      for (const option of select?.options ?? []) {
        if (!option.value) continue;
        option.dataset.label ??= option.textContent;
        const gone = offline && files?.[layer]?.[option.value] ? await missing(files[layer][option.value]) : false;
        option.textContent = gone ? `${option.dataset.label}${NOTE}` : option.dataset.label;
      }
    }
  }

  window.addEventListener('offline', check);
  window.addEventListener('online', check);
  // The options arrive with media.json (ui/sound.js): each new list is checked too.
  const observer = new MutationObserver(check);
  for (const select of Object.values(selects)) if (select) observer.observe(select, { childList: true });
  check();
  return { check };
}
