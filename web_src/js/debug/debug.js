// Hooks for tests, kept out of the page every listener loads: builder/site.py bundles this file to
// assets/debug.js, which index.html never loads. Tests add it before the page's own script
// (tests/browser.py add_debug_hooks: an init script), so it sees every audio node from the first;
// the page reports to it through globalThis.lofiProbe (audio/probe.js).
//
// window.lofi.audioStats() → {graphs: {built, alive}, created, disposed, alive: {kind: created -
// disposed}, scheduled, queues}: kinds are "graph" (bus nodes), "instrument", "part" (Tone.Part)
// and "node" (per-session players and gains); a drum hit's one-shot source disposes itself when
// it ends. `scheduled` counts the live Transport's events; `queues` its timelines' and Tone.Draw's.

const audit = { created: {}, disposed: {}, graphs: { built: 0, alive: 0 } };
let tone = null; // {getTransport, getDraw, getDestination} of the page's own Tone.js

// Counts `node` under `kind` and its dispose() (once); a whole graph counts as built and alive.
function count(kind, node) {
  const graph = kind === 'graphs';
  if (graph) {
    audit.graphs.built += 1;
    audit.graphs.alive += 1;
  } else {
    audit.created[kind] = (audit.created[kind] ?? 0) + 1;
  }
  const dispose = node.dispose.bind(node);
  let disposed = false;
  node.dispose = () => {
    if (!disposed) {
      disposed = true;
      if (graph) audit.graphs.alive -= 1;
      else audit.disposed[kind] = (audit.disposed[kind] ?? 0) + 1;
    }
    return dispose();
  };
  return node;
}

function audioStats() {
  const kinds = new Set([...Object.keys(audit.created), ...Object.keys(audit.disposed)]);
  const alive = Object.fromEntries([...kinds].map((k) => [k, (audit.created[k] ?? 0) - (audit.disposed[k] ?? 0)]));
  // Tone keeps every event scheduled on the Transport (Parts included) in _scheduledEvents; its
  // timelines hold the one-off and the repeating ones; Tone.Draw holds the visuals still to draw.
  const transport = tone.getTransport();
  const scheduled = Object.keys(transport._scheduledEvents ?? {}).length;
  const queues = { timeline: transport._timeline?.length ?? 0, repeated: transport._repeatedEvents?.length ?? 0, draw: tone.getDraw()._events?.length ?? 0 };
  return { graphs: { ...audit.graphs }, created: { ...audit.created }, disposed: { ...audit.disposed }, alive, scheduled, queues };
}

// window.lofi.outputRms() → the RMS of the page's output (after every volume and the sleep
// timer's fade) over the last ~43 ms, read from an analyser tapped off Tone's Destination.
let analyser = null;
function outputRms() {
  const destination = tone.getDestination();
  if (!analyser) {
    analyser = destination.context.rawContext.createAnalyser();
    analyser.fftSize = 2048;
    destination.output.connect(analyser);
  }
  const samples = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(samples);
  return Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length);
}

globalThis.lofiProbe = {
  count,
  expose(internals) {
    tone = internals.tone;
    internals.lofi.audioStats = audioStats;
    internals.lofi.outputRms = outputRms;
  },
};
