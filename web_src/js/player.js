// Playback. An "arrangement" is what gets played: tempo, meter, loop length and parts of events
// (a song JSON, or a decoded AI solo in the same shape). buildSession() turns one into Tone
// nodes + Parts on a transport; the live player and the offline renderer share it.

import * as Tone from 'tone';
import { createDrumKit, createInstrument, createMasterChain } from './instruments.js';
import { drumPattern } from './drums.js';
import { noteToMidi, midiToNote } from './pitch.js';

export const AI_BPM = 75;

// Tone's bar length in quarter notes: [4, 4] -> 4, [6, 8] -> 3.
export function quartersPerBar([beats, unit] = [4, 4]) {
  return (beats * 4) / unit;
}

export function songArrangement(song) {
  return {
    id: song.id,
    bpm: Number(song.bpm) || AI_BPM,
    timeSignature: Array.isArray(song.timeSignature) ? song.timeSignature : [4, 4],
    swing: Number(song.swing) || 0,
    loopBars: Number(song.bars) || null,
    parts: (song.parts || []).map((part) => ({ name: part.name, instrument: part.instrument, events: part.events || [] })),
  };
}

// A decoded solo: loops every `loopBars` bars (the seed article loops AI solos every 30 measures).
export function soloArrangement(decoded, { loopBars = 30, instrument = 'epiano' } = {}) {
  return {
    id: 'ai',
    bpm: AI_BPM,
    timeSignature: [4, 4],
    swing: 0,
    loopBars,
    parts: [{ name: 'ai-solo', instrument, events: decoded.events }],
  };
}

// Note names from song JSON may be music21 spellings ("B-3"); normalise to Tone's, drop junk.
function playableNotes(notes) {
  return (notes || []).map(noteToMidi).filter((m) => m !== null).map(midiToNote);
}

function configureTransport(transport, arrangement) {
  transport.bpm.value = arrangement.bpm;
  transport.timeSignature = arrangement.timeSignature;
  transport.swing = arrangement.swing;
  transport.swingSubdivision = '8n';
}

// Builds the whole graph for an arrangement on `transport` (Tone's current context).
// hooks.onNote(midis, velocity, partIndex, time) / hooks.onDrum(drum, velocity, time) let the
// visualizer follow along. Returns {dispose}.
async function buildSession(transport, arrangement, { drums = true, drumLoopBars = 8, hooks = {} } = {}) {
  configureTransport(transport, arrangement);
  const chain = await createMasterChain();
  const disposables = [...chain.nodes];
  const qpb = quartersPerBar(arrangement.timeSignature);

  if (drums) {
    const kit = createDrumKit(chain.drumInput);
    disposables.push(...kit.nodes);
    const part = new Tone.Part((time, event) => {
      kit.hit(event.drum, time, event.velocity);
      hooks.onDrum?.(event.drum, event.velocity, time);
    }, drumPattern(drumLoopBars, qpb));
    part.loop = true;
    part.loopEnd = `${drumLoopBars}m`;
    part.start(0);
    disposables.push(part);
  }

  arrangement.parts.forEach((spec, partIndex) => {
    const synth = createInstrument(spec.instrument).connect(chain.input);
    const events = spec.events
      .map((e) => ({ time: e.time, duration: e.duration, notes: playableNotes(e.notes), velocity: e.velocity ?? 0.8 }))
      .filter((e) => e.notes.length > 0);
    const part = new Tone.Part((time, event) => {
      synth.triggerAttackRelease(event.notes, event.duration, time, event.velocity);
      hooks.onNote?.(event.notes.map(noteToMidi), event.velocity, partIndex, time);
    }, events);
    if (arrangement.loopBars) {
      part.loop = true;
      part.loopEnd = `${arrangement.loopBars}m`;
    }
    part.start(0);
    disposables.push(synth, part);
  });

  return {
    dispose() {
      // Parts first so no callback fires into a disposed synth.
      for (const node of disposables.reverse()) {
        try {
          node.dispose();
        } catch (err) {
          console.warn('lofi: dispose failed', err);
        }
      }
    },
  };
}

// Tone.Offline swaps Tone's global context while its callback runs; a live play() started in that
// window would build its nodes in the offline context. Running audio work one job at a time
// avoids that.
let queue = Promise.resolve();
function exclusive(job) {
  const run = queue.then(job, job);
  queue = run.catch(() => {});
  return run;
}

// The browser only lets audio start after a user gesture. Tone.start() may then never settle,
// so wait a moment and carry on: the transport runs as soon as the context is allowed to.
async function startAudio() {
  await Promise.race([Tone.start(), new Promise((resolve) => setTimeout(resolve, 800))]);
  return Tone.getContext().state === 'running';
}

export class LivePlayer {
  constructor({ drumLoopBars = 8, hooks = {} } = {}) {
    this.drumLoopBars = drumLoopBars;
    this.hooks = hooks;
    this.session = null;
    this.current = null;
  }

  // Resolves to {audible}: false when the browser has not yet allowed audio to start.
  play(arrangement, { drums = true } = {}) {
    return exclusive(async () => {
      const audible = await startAudio();
      this.#stopNow();
      const transport = Tone.getTransport();
      const draw = Tone.getDraw();
      // Tone.Draw fires the visual callback when the note is actually heard, not when scheduled.
      const hooks = {
        onNote: (midis, velocity, part, time) => draw.schedule(() => this.hooks.onNote?.(midis, velocity, part), time),
        onDrum: (drum, velocity, time) => draw.schedule(() => this.hooks.onDrum?.(drum, velocity), time),
      };
      this.session = await buildSession(transport, arrangement, { drums, drumLoopBars: this.drumLoopBars, hooks });
      this.current = arrangement;
      transport.position = 0;
      transport.start('+0.1');
      return { audible };
    });
  }

  stop() {
    return exclusive(async () => this.#stopNow());
  }

  #stopNow() {
    const transport = Tone.getTransport();
    transport.stop();
    transport.cancel(0);
    transport.position = 0;
    Tone.getDraw().cancel(0);
    this.session?.dispose();
    this.session = null;
    this.current = null;
  }

  get playing() {
    return this.current !== null && Tone.getTransport().state === 'started';
  }

  get position() {
    return this.current ? String(Tone.getTransport().position) : '0:0:0';
  }
}

// Renders `bars` bars of an arrangement (plus drums) offline and measures the result, which
// proves that sound really comes out without needing speakers or a user gesture.
export function renderOffline(arrangement, { bars = 2, drums = true, drumLoopBars = 8 } = {}) {
  return exclusive(async () => {
    const seconds = (bars * quartersPerBar(arrangement.timeSignature) * 60) / arrangement.bpm;
    let session = null;
    const buffer = await Tone.Offline(async (context) => {
      session = await buildSession(context.transport, arrangement, { drums, drumLoopBars });
      context.transport.start(0);
    }, seconds);
    session?.dispose();
    return { ...measure(buffer), seconds: buffer.duration };
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
