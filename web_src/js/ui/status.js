// Per-layer status messages ("model", "songs", "audio", ...). Each layer fails on its own: an
// error there is shown and that layer is disabled, while the rest of the page keeps working.
// The UI subscribes and renders; the API only reports.

export function createStatus() {
  const layers = new Map(); // layer -> {level: "info"|"busy"|"ok"|"warn"|"error", text}
  const listeners = new Set();
  let latest = null;

  function set(layer, level, text) {
    layers.set(layer, { level, text });
    latest = { layer, level, text };
    if (level === 'error') console.warn(`lofi [${layer}]: ${text}`);
    for (const listener of listeners) listener(snapshot());
  }

  function snapshot() {
    return { latest, layers: new Map(layers) };
  }

  return {
    set,
    get: (layer) => layers.get(layer) ?? null,
    subscribe(listener) {
      listeners.add(listener);
      listener(snapshot());
      return () => listeners.delete(listener);
    },
  };
}
