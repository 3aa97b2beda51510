// The offline render: an arrangement and its layers rendered with Tone.Offline through the same
// graph and session code as live playback, and measured (RMS, peak, RMS per bar). It proves that
// sound comes out without speakers or a user gesture; keep/wav.js turns the buffer into a file.

import { Tone } from './tone.js';
import { createGraph } from './graph.js';
import { buildSession } from './schedule.js';
import { exclusive } from './exclusive.js';
import { quartersPerBar } from '../music/time.js';

// How many times the browser's render stops to say how far it has come (each stop costs a
// round trip to the main thread, a few milliseconds).
const RENDER_REPORTS = 40;

// Calls onProgress(fraction, 'render') as the browser renders: the OfflineAudioContext under
// Tone's (standardized-audio-context keeps it as _nativeOfflineAudioContext) suspends at times
// set before it starts, and resumes at once. A browser without suspend() on offline contexts
// renders without reports.
function followRender(context, seconds, onProgress) {
  const raw = context.rawContext;
  const native = raw._nativeOfflineAudioContext ?? raw;
  if (typeof native.suspend !== 'function') return;
  const quantum = 128 / native.sampleRate; // suspensions fall on render quanta
  const times = new Set();
  for (let i = 1; i < RENDER_REPORTS; i += 1) times.add(Math.round((seconds * i) / RENDER_REPORTS / quantum) * quantum);
  for (const time of times) {
    if (time <= 0 || time >= seconds) continue;
    try {
      native.suspend(time).then(
        () => {
          onProgress(time / seconds, 'render');
          return native.resume();
        },
        () => {},
      );
    } catch {
      return; // suspend() on an offline context not supported here
    }
  }
}

// Renders `bars` bars of an arrangement with its layers offline and measures the result, which
// proves that sound really comes out without needing speakers or a user gesture. Also returns the
// session's log and loop points, so a test can check where every layer started and looped.
// `onProgress(fraction, phase)` (optional) follows the render's two kinds of work: 'schedule' while
// Tone runs the offline context's clock in JS, a second of audio at a time, to schedule the events;
// then 'render' while the browser renders the audio, most of a render's time (keep/progress.js).
export function renderOffline(arrangement, prepared, { bars = 2, loops, bpm = null, volumes, onProgress = null } = {}) {
  return exclusive(async () => {
    const tempo = bpm || arrangement.bpm;
    const qpb = quartersPerBar(arrangement.timeSignature);
    const seconds = (bars * qpb * 60) / tempo;
    let session;
    let loopPoints;
    let graph;
    // Tone.Offline swaps Tone's global context while its callback runs and restores it only when
    // the callback succeeds: a failure left the page's later nodes in a finished offline context.
    // The swap is undone here whatever happens, before the render itself runs.
    const live = Tone.getContext();
    const context = new Tone.OfflineContext(2, seconds, live.sampleRate);
    Tone.setContext(context);
    let rendering;
    try {
      // Its own graph, in the offline context: the same construction code as the live one.
      graph = await createGraph({ volumes, vinyl: prepared.vinyl });
      session = buildSession(context.transport, graph, arrangement, prepared, { loops, bpm: tempo });
      loopPoints = session.loopPoints();
      graph.chain.startVinyl(0);
      context.transport.start(0);
      if (onProgress) followRender(context, seconds, onProgress);
      rendering = context.render();
    } finally {
      Tone.setContext(live);
    }
    const follow = onProgress && setInterval(() => onProgress(Math.min(1, context.currentTime / seconds), 'schedule'), 100);
    let rendered;
    try {
      rendered = await rendering;
    } finally {
      clearInterval(follow);
    }
    onProgress?.(1, 'render');
    const buffer = new Tone.ToneAudioBuffer(rendered);
    const log = session.log;
    session.dispose();
    graph.dispose();
    const barSeconds = (qpb * 60) / tempo;
    // buffer: the rendered AudioBuffer itself (keep/export.js turns it into a WAV file).
    return { ...measure(buffer), barRms: measureBars(buffer, barSeconds), seconds: buffer.duration, timeline: log, loopPoints, buffer: buffer.get() };
  });
}

function measure(buffer) {
  let sumSquares = 0;
  let peak = 0;
  let count = 0;
  for (let ch = 0; ch < buffer.numberOfChannels; ch++) {
    const data = buffer.getChannelData(ch);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      sumSquares += v * v;
      const a = Math.abs(v);
      if (a > peak) peak = a;
    }
    count += data.length;
  }
  return { rms: count ? Math.sqrt(sumSquares / count) : 0, peak };
}

function measureBars(buffer, barSeconds) {
  const data = buffer.getChannelData(0);
  const perBar = Math.max(1, Math.round(barSeconds * buffer.sampleRate));
  const out = [];
  for (let start = 0; start + perBar / 2 <= data.length; start += perBar) {
    let sum = 0;
    const end = Math.min(data.length, start + perBar);
    for (let i = start; i < end; i++) sum += data[i] * data[i];
    out.push(Math.sqrt(sum / (end - start)));
  }
  return out;
}
