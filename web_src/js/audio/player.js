// Playback. An "arrangement" is what step 2 picks: tempo, meter, loop length and parts of events
// (a song JSON, or a decoded AI solo in the same shape). Step 1 adds the layers: a drum pattern, an
// ambience and a quote (media.json). Everything runs on one Transport, with loop lengths in bars
// ("8m", "12m", "30m", the quote at "4:0:0"), so they hold at every tempo; the tempo is the song's.
//
// prepare() fetches and decodes what a choice needs; createGraph() builds the long-lived audio graph
// (the effects bus with its reverb, the instruments); buildSession() puts one arrangement's Parts
// and per-layer players on a transport, through a graph. The live player builds its graph once and
// reuses it for every play() (a play only creates and disposes Parts and players, so the first note
// is not held up by the reverb's impulse or the instruments); the offline renderer builds its own
// graph in the offline context with the same code. While playing, a
// layer change takes effect at the start of the next bar: the old layer stops there and the new one
// starts there, in phase with its loop grid (a drum pattern picked at bar 11 plays from its bar 3).

import * as Tone from 'tone';
import { createInstrument, createMasterChain, prepareInstrument, DEFAULT_VOLUMES } from './instruments.js';
import { createKit, drumEvents, drumKind, loadKit } from './drums.js';
import { DEFAULT_LOOPS, loadBuffer } from './media.js';
import { noteToMidi, midiToNote } from '../music/pitch.js';
import { TONE_PPQ as PPQ } from '../music/theory.js';
import './idle.js'; // finished one-shots are disposed within a second, even on a busy page

export const AI_BPM = 75;
const CROSSFADE = 0.8; // seconds, between two passes of an ambience
// The session log (timeline()) keeps the newest events: a session playing for hours keeps this many.
const LOG_LIMIT = 4096;

// Tone's bar length in quarter notes: [4, 4] -> 4, [6, 8] -> 3.
export function quartersPerBar([beats, unit] = [4, 4]) {
  return (beats * 4) / unit;
}

// "8m" or "B:Q:S" -> ticks, for a meter of `qpb` quarters a bar.
// Everything a session puts on the Transport is converted here, with the session's own meter:
// Tone would convert "m" and "B:Q:S" with the Transport's meter of the moment, which is the old
// song's while a new song waits for its first bar (LivePlayer.switchTo).
export function toTicks(time, qpb) {
  const text = String(time);
  const bars = /^(\d+(?:\.\d+)?)m$/.exec(text);
  if (bars) return Math.round(Number(bars[1]) * qpb * PPQ);
  const [b = 0, q = 0, s = 0] = text.split(':').map(Number);
  return Math.round((b * qpb + q + s / 4) * PPQ);
}

// A note's duration for triggerAttackRelease: "B:Q:S" in the session's meter as ticks; note values
// ("8n") and seconds as they are.
function durationIn(duration, qpb) {
  return /^\d+(?:\.\d+)?:/.test(String(duration)) ? `${toTicks(duration, qpb)}i` : duration;
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

// ---- Preparing: fetch and decode what a choice needs, before any node is built. -----------------

// One step-1 layer: resolves to {id, entry, buffers|buffer} or null (off); rejects with a message
// naming the missing file, and the caller disables that layer only.
export async function prepareLayer(manifest, layer, id) {
  if (id === null || id === undefined || id === false) return null;
  const list = { drums: manifest.drums, ambience: manifest.ambience, quote: manifest.quotes }[layer] || [];
  const entry = list.find((item) => item.id === id);
  if (!entry) throw new Error(`no ${layer} "${id}" in media.json`);
  if (layer === 'drums') return { id, entry, buffers: await loadKit(entry) };
  if (layer === 'ambience') return { id, entry, buffer: await loadBuffer(entry.url) };
  return { id, entry, buffer: entry.url ? await loadBuffer(entry.url) : null }; // a quote may be caption-only
}

// The instruments of an arrangement. Resolves to {recipes, warnings}.
export async function prepareMusic(manifest, arrangement) {
  const warnings = [];
  const recipes = await Promise.all(
    arrangement.parts.map(async (part) => {
      let midis = part.events.flatMap((e) => (e.notes || []).map(noteToMidi)).filter((m) => m !== null);
      // A part whose notes stream in while it plays (the live AI solo) gets the middle of the keyboard.
      if (part.attach) midis = [...midis, ...Array.from({ length: 37 }, (_, i) => 48 + i)];
      const recipe = await prepareInstrument(part.instrument, manifest, midis);
      if (recipe.warning) warnings.push(recipe.warning);
      return recipe;
    }),
  );
  return { recipes, warnings };
}

export async function prepareVinyl(manifest) {
  if (!manifest.vinyl?.url) return null;
  try {
    return await loadBuffer(manifest.vinyl.url);
  } catch (err) {
    console.warn(`lofi: vinyl crackle unavailable: ${err.message}`);
    return null;
  }
}

// ---- Accounting: what graphs and sessions create and dispose (lofi.audioStats(), the leak test). --

const audit = { created: {}, disposed: {}, graphs: { built: 0, alive: 0 } };

// Counts `node` under `kind` and counts its dispose() (once).
function counted(kind, node) {
  audit.created[kind] = (audit.created[kind] ?? 0) + 1;
  const dispose = node.dispose.bind(node);
  let disposed = false;
  node.dispose = () => {
    if (!disposed) {
      disposed = true;
      audit.disposed[kind] = (audit.disposed[kind] ?? 0) + 1;
    }
    return dispose();
  };
  return node;
}

// {graphs: {built, alive}, created, disposed, alive: {kind: created - disposed}, scheduled}: kinds are "graph" (bus
// nodes), "instrument", "part" (Tone.Part) and "node" (per-session players and gains); a drum hit's
// one-shot source disposes itself when it ends. `scheduled` counts the live Transport's events.
export function audioStats() {
  const kinds = new Set([...Object.keys(audit.created), ...Object.keys(audit.disposed)]);
  const alive = Object.fromEntries([...kinds].map((k) => [k, (audit.created[k] ?? 0) - (audit.disposed[k] ?? 0)]));
  // Tone keeps every event scheduled on the Transport (Parts included) in _scheduledEvents; its
  // timelines hold the one-off and the repeating ones; Tone.Draw holds the visuals still to draw.
  const transport = Tone.getTransport();
  const scheduled = Object.keys(transport._scheduledEvents ?? {}).length;
  const queues = { timeline: transport._timeline?.length ?? 0, repeated: transport._repeatedEvents?.length ?? 0, draw: Tone.getDraw()._events?.length ?? 0 };
  return { graphs: { ...audit.graphs }, created: { ...audit.created }, disposed: { ...audit.disposed }, alive, scheduled, queues };
}

// ---- The graph: the bus and the instruments, built once for live playback. ----------------------

// Built in Tone's current context. Resolves to {chain, instrument(recipe), releaseAll(time), dispose()}.
// Instruments are kept per name and kind: a sampler gains the sample notes later recipes bring.
export async function createGraph({ volumes = DEFAULT_VOLUMES, vinyl = null } = {}) {
  audit.graphs.built += 1;
  audit.graphs.alive += 1;
  const chain = await createMasterChain(volumes, { vinylBuffer: vinyl });
  for (const node of chain.nodes) counted('graph', node);
  const instruments = new Map(); // "name|kind" -> {node, notes: Set}
  return {
    chain,
    setVinyl(buffer) {
      const before = chain.nodes.length;
      chain.setVinyl(buffer);
      for (const node of chain.nodes.slice(before)) counted('graph', node);
    },
    instrument(recipe) {
      const key = `${recipe.name}|${recipe.kind}`;
      let entry = instruments.get(key);
      if (!entry) {
        entry = { node: counted('instrument', createInstrument(recipe)).connect(chain.inputs.music), notes: new Set(Object.keys(recipe.buffers ?? {})) };
        instruments.set(key, entry);
      } else if (recipe.kind === 'sampler') {
        for (const [note, buffer] of Object.entries(recipe.buffers)) {
          if (entry.notes.has(note)) continue;
          entry.node.add(note, buffer);
          entry.notes.add(note);
        }
      }
      return entry.node;
    },
    releaseAll(time) {
      for (const { node } of instruments.values()) node.releaseAll(time);
    },
    dispose() {
      for (const { node } of instruments.values()) node.dispose();
      instruments.clear();
      for (const node of [...chain.nodes].reverse()) node.dispose();
      audit.graphs.alive -= 1;
    },
  };
}

// ---- A session: one arrangement's Parts and layer players on one transport, through a graph. -----

// hooks: onNote(midis, velocity, partIndex, time), onDrum(kind, velocity, time),
// onQuote(entry, time), onAmbience(entry|null, time). Every layer event is also logged, with its
// transport position in ticks, for the tests (timeline()).
// origin: the Transport tick where this session begins (0, or the bar line where a new song takes
// over from the one playing: LivePlayer.switchTo, which then also sets the tempo), and originBar
// the bars played before it; `bar` in the log counts from the first play().
export function buildSession(transport, graph, arrangement, prepared, options = {}) {
  const { loops = DEFAULT_LOOPS, hooks = {}, bpm = null, origin = 0, originBar = 0 } = options;
  const log = options.log ?? []; // a song taking over goes on with the log of the one before
  const qpb = quartersPerBar(arrangement.timeSignature);
  const ticksPerBar = qpb * PPQ;
  const { chain } = graph;
  const disposables = [];
  const applyMeter = () => {
    transport.timeSignature = arrangement.timeSignature;
    transport.swing = arrangement.swing;
    transport.swingSubdivision = '8n';
  };
  if (origin === 0) {
    transport.bpm.value = bpm || arrangement.bpm;
    applyMeter();
  } else {
    const id = transport.scheduleOnce(applyMeter, `${origin}i`);
    disposables.push({ dispose: () => transport.clear(id) });
  }
  const ticksAt = (time) => Math.round(transport.getTicksAtTime(time));
  const barAt = (ticks) => originBar + (ticks - origin) / ticksPerBar;
  const record = (entry, time) => {
    if (log.length >= LOG_LIMIT) log.splice(0, LOG_LIMIT / 4);
    const ticks = ticksAt(time);
    log.push({ ...entry, ticks, bar: barAt(ticks) });
  };
  const loopTicks = {
    drums: toTicks(loops.drums, qpb),
    ambience: toTicks(loops.ambience, qpb),
    quoteAt: toTicks(loops.quoteAt, qpb),
    music: arrangement.loopBars ? arrangement.loopBars * ticksPerBar : null,
  };

  // Music: one Part per song part, looping every `loopBars` bars.
  const musicParts = [];
  arrangement.parts.forEach((spec, partIndex) => {
    const recipe = prepared.music?.recipes?.[partIndex] ?? { name: spec.instrument, kind: 'synth' };
    const synth = graph.instrument(recipe);
    const events = spec.events
      .map((e, index) => ({ time: `${toTicks(e.time, qpb)}i`, duration: e.duration, notes: playableNotes(e.notes), velocity: e.velocity ?? 0.8, index }))
      .filter((e) => e.notes.length > 0);
    const part = counted('part', new Tone.Part((time, event) => {
      synth.triggerAttackRelease(event.notes, durationIn(event.duration, qpb), time, event.velocity);
      // A streamed solo's notes (livesolo.js) carry their pass and step, so a test can check that
      // every pass starts on its loop point.
      record({ layer: 'music', song: arrangement.id, part: partIndex, index: event.index, ...(event.pass === undefined ? {} : { pass: event.pass, step: event.step }) }, time);
      hooks.onNote?.(event.notes.map(noteToMidi), event.velocity, partIndex, time);
    }, events));
    // A part may loop on its own length (the listener's chord progression, progression.js).
    const partLoopBars = spec.loopBars ?? arrangement.loopBars;
    if (partLoopBars) {
      part.loop = true;
      part.loopEnd = `${partLoopBars * ticksPerBar}i`;
    }
    part.start(`${origin}i`);
    // A streamed part (the live AI solo, livesolo.js) adds its notes to the Part as they arrive.
    spec.attach?.({ part, transport, synth, origin });
    disposables.push(part);
    musicParts.push(part);
  });

  // Each step-1 layer is an instance with a start and an end in ticks; a change ends the current
  // instance at a bar line and starts the next one there. Callbacks outside [start, end) are ignored.
  const current = { drums: null, ambience: null, quote: null };

  function startDrums(prep, startTicks) {
    const kit = createKit(prep.buffers, chain.inputs.drums);
    const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
    const part = counted('part', new Tone.Part((time, event) => {
      const ticks = ticksAt(time);
      if (ticks < instance.start || ticks >= instance.end) return;
      kit.hit(event.lane, time, event.velocity);
      record({ layer: 'drums', id: prep.id, lane: event.lane, loopBar: event.bar, step: event.step }, time);
      hooks.onDrum?.(drumKind(event.lane), event.velocity, time);
    }, drumEvents(prep.entry, { loopBars: loopTicks.drums / ticksPerBar, quartersPerBar: qpb })));
    part.loop = true;
    part.loopEnd = `${loopTicks.drums}i`;
    part.start(`${startTicks}i`, `${(startTicks - origin) % loopTicks.drums}i`);
    instance.stop = (ticks) => part.stop(`${ticks}i`);
    disposables.push(part);
    return instance;
  }

  function startAmbience(prep, startTicks) {
    const gain = counted('node', new Tone.Gain(prep.entry.gain ?? 1)).connect(chain.inputs.ambience);
    const players = [0, 1].map(() => counted('node', new Tone.Player({ url: prep.buffer, loop: true, fadeIn: CROSSFADE, fadeOut: CROSSFADE })).connect(gain));
    const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
    let pass = 0;
    const begin = (time) => {
      const ticks = ticksAt(time);
      if (ticks < instance.start || ticks >= instance.end) return;
      const player = players[pass % 2];
      const previous = players[(pass + 1) % 2];
      if (player.state === 'started') player.stop(time);
      player.start(time);
      if (pass > 0 && previous.state === 'started') previous.stop(time);
      pass += 1;
      record({ layer: 'ambience', id: prep.id, pass }, time);
      hooks.onAmbience?.(prep.entry, time);
    };
    // The first pass starts at once; the later ones on the session's 12-bar grid.
    const ids = [transport.scheduleOnce(begin, `${startTicks}i`)];
    const grid = origin + Math.ceil((startTicks - origin + 1) / loopTicks.ambience) * loopTicks.ambience;
    ids.push(transport.scheduleRepeat(begin, `${loopTicks.ambience}i`, `${grid}i`));
    instance.stop = (ticks) => {
      ids.push(
        transport.scheduleOnce((time) => {
          for (const player of players) if (player.state === 'started') player.stop(time);
          hooks.onAmbience?.(null, time);
        }, `${ticks}i`),
      );
    };
    disposables.push({ dispose: () => ids.forEach((id) => transport.clear(id)) }, ...players, gain);
    return instance;
  }

  function startQuote(prep, startTicks) {
    const gain = counted('node', new Tone.Gain(prep.entry.gain ?? 1)).connect(chain.inputs.quote);
    const player = prep.buffer ? counted('node', new Tone.Player({ url: prep.buffer, fadeOut: 0.05 })).connect(gain) : null;
    const instance = { id: prep.id, start: startTicks, end: Infinity, stop: null };
    // Once, at the start of bar 5 ("4:0:0") of the listening, or at the next bar when picked later.
    const at = Math.max(startTicks, quoteTicks);
    const ids = [
      transport.scheduleOnce((time) => {
        if (ticksAt(time) >= instance.end) return;
        player?.start(time);
        record({ layer: 'quote', id: prep.id }, time);
        hooks.onQuote?.(prep.entry, time);
      }, `${at}i`),
    ];
    instance.stop = (ticks) => {
      ids.push(transport.scheduleOnce((time) => player?.state === 'started' && player.stop(time), `${ticks}i`));
    };
    disposables.push({ dispose: () => ids.forEach((id) => transport.clear(id)) }, ...(player ? [player] : []), gain);
    return instance;
  }

  const starters = { drums: startDrums, ambience: startAmbience, quote: startQuote };
  // Bar 5 counts from the first play(): a new song taking over later does not say it again.
  const quoteTicks = origin + loopTicks.quoteAt - originBar * ticksPerBar;

  // Switches `layer` to `prep` (or off, with null) from `atTicks` on.
  function setLayer(layer, prep, atTicks = 0) {
    const old = current[layer];
    if (old) {
      old.end = atTicks;
      old.stop(atTicks);
    }
    current[layer] = prep ? starters[layer](prep, atTicks) : null;
  }

  for (const layer of ['drums', 'ambience', 'quote']) {
    if (!prepared[layer] || (layer === 'quote' && quoteTicks < origin)) continue;
    setLayer(layer, prepared[layer], origin);
  }

  return {
    qpb,
    ticksPerBar,
    origin,
    log,
    barAt,
    setLayer,
    // Ends this session at `ticks` (a bar line): its Parts and layers stop there; dispose() later.
    retire(ticks) {
      for (const part of musicParts) part.stop(`${ticks}i`);
      for (const layer of ['drums', 'ambience']) if (current[layer]) setLayer(layer, null, ticks);
      // A quote already being spoken finishes its sentence; one still to come is dropped.
      if (current.quote) current.quote.end = ticks;
    },
    setVolume: chain.setVolume,
    layers: () => Object.fromEntries(Object.entries(current).map(([k, v]) => [k, v?.id ?? null])),
    loopPoints() {
      const bpmNow = transport.bpm.value;
      const describe = (time, ticks) => (ticks === null ? null : { time, ticks, seconds: (ticks / PPQ) * (60 / bpmNow) });
      return {
        bpm: bpmNow,
        ticksPerBar,
        drums: describe(loops.drums, loopTicks.drums),
        ambience: describe(loops.ambience, loopTicks.ambience),
        music: describe(arrangement.loopBars ? `${arrangement.loopBars}m` : null, loopTicks.music),
        solo: arrangement.id === 'ai' ? describe(loops.solo, toTicks(loops.solo, qpb)) : null,
        quote: describe(loops.quoteAt, loopTicks.quoteAt),
      };
    },
    dispose() {
      // Parts and scheduled events first, so no callback fires into a disposed node.
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
// so wait a moment and carry on: the transport runs as soon as the context is allowed to. When the
// context already runs (the usual case after the first gesture) nothing is awaited.
async function startAudio() {
  if (Tone.getContext().state === 'running') return true;
  await Promise.race([Tone.start(), new Promise((resolve) => setTimeout(resolve, 800))]);
  return Tone.getContext().state === 'running';
}

export class LivePlayer {
  constructor({ hooks = {} } = {}) {
    this.hooks = hooks;
    this.session = null;
    this.current = null;
    this.paused = false;
    this.volumes = { ...DEFAULT_VOLUMES };
    this.graphPromise = null; // the long-lived graph (createGraph), built once
    this.graph = null; // the same, once built
    this.retiring = new Set(); // sessions a new song took over from, disposed a little later
    this.previous = null; // the session before this.session while a switch waits for its bar line
  }

  // Resumes the audio context without waiting: call it synchronously in a user gesture's handler
  // (play() does), and once on the page's first pointer or key gesture.
  unlock() {
    const context = Tone.getContext();
    if (context.state !== 'running' && !this.paused) context.resume().catch(() => {});
  }

  unlockOnGesture(target = document) {
    const events = ['pointerdown', 'keydown', 'touchend'];
    const handler = () => {
      this.unlock();
      for (const type of events) target.removeEventListener(type, handler, true);
    };
    for (const type of events) target.addEventListener(type, handler, true);
  }

  // The graph, built on first use in the live context (one job at a time: see exclusive()).
  #graph() {
    this.graphPromise ??= createGraph({ volumes: this.volumes }).then(
      (graph) => {
        // Volumes set while it was being built.
        for (const [layer, value] of Object.entries(this.volumes)) graph.chain.setVolume(layer, value);
        this.graph = graph;
        return graph;
      },
      (err) => {
        this.graphPromise = null;
        throw err;
      },
    );
    return this.graphPromise;
  }

  // Builds the graph ahead of the first play() and, with `prepared` ({music, vinyl} from the
  // prepare* functions), its instruments and vinyl crackle. Needs no user gesture: the context may
  // stay suspended until one (unlock()). Safe to call any number of times.
  warm(prepared = {}) {
    return exclusive(async () => {
      const graph = await this.#graph();
      if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
      for (const recipe of prepared.music?.recipes ?? []) graph.instrument(recipe);
    });
  }

  // Tone.Draw fires the visual callbacks when the note is actually heard, not when scheduled.
  #hooks() {
    const draw = Tone.getDraw();
    const later = (fn) => (...args) => {
      const time = args[args.length - 1];
      draw.schedule(() => fn?.(...args.slice(0, -1)), time);
    };
    return {
      onNote: later((...a) => this.hooks.onNote?.(...a)),
      onDrum: later((...a) => this.hooks.onDrum?.(...a)),
      onQuote: later((...a) => this.hooks.onQuote?.(...a)),
      onAmbience: later((...a) => this.hooks.onAmbience?.(...a)),
    };
  }

  // prepared: {music, vinyl, drums, ambience, quote} from the prepare* functions.
  // Starts from bar 1 (stopping what plays). Resolves to {audible, bar: 0}: audible is false when
  // the browser has not yet allowed audio to start.
  play(arrangement, prepared, { loops, bpm = null } = {}) {
    this.unlock();
    return exclusive(() => this.#start(arrangement, prepared, { loops, bpm }));
  }

  async #start(arrangement, prepared, { loops, bpm }) {
    this.#stopNow();
    const [audible, graph] = await Promise.all([startAudio(), this.#graph()]);
    const transport = Tone.getTransport();
    if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
    transport.bpm.cancelScheduledValues(0);
    this.session = buildSession(transport, graph, arrangement, prepared, { loops, bpm, hooks: this.#hooks() });
    this.current = arrangement;
    transport.position = 0;
    // As soon as possible: Tone's "now" is the audio clock plus its look-ahead, the earliest time
    // its scheduler has not passed yet (it was '+0.1' later still).
    const start = Tone.now();
    graph.chain.startVinyl(start);
    transport.start(start);
    return { audible, bar: 0 };
  }

  // The first bar line far enough ahead that the clock has not scheduled it yet. While a new song
  // waits for its first bar (switchTo), that bar line.
  nextBarTicks() {
    const transport = Tone.getTransport();
    const { ticksPerBar, origin } = this.session;
    const margin = Tone.getContext().lookAhead + 0.15;
    const soon = transport.getTicksAtTime(Tone.now() + margin);
    if (soon <= origin) return origin;
    return origin + Math.ceil((soon - origin) / ticksPerBar) * ticksPerBar;
  }

  // Another song while one plays: it takes over at the next bar line, without a stop. The old
  // song's Parts, drums and ambience end on that line and the new ones start there, in the new
  // song's tempo and meter, from its first bar; the quote is not said twice. Resolves to
  // {audible, bar}: the bar (counted from the first play()) where the new song starts. When
  // nothing plays (or it is paused) this is play().
  switchTo(arrangement, prepared, { loops, bpm = null } = {}) {
    if (!this.playing || this.paused) return this.play(arrangement, prepared, { loops, bpm });
    return exclusive(async () => {
      if (!this.session) return this.#start(arrangement, prepared, { loops, bpm });
      const graph = await this.#graph();
      const transport = Tone.getTransport();
      const old = this.session;
      const at = this.nextBarTicks();
      const originBar = old.barAt(at);
      old.retire(at);
      this.#retireLater(old, at);
      // The tempo changes on that bar line. Its audio time, from the public clock API: Newton's
      // method on getTicksAtTime, exact in two steps while the tempo is constant in between.
      let time = Tone.now();
      for (let i = 0; i < 3; i++) {
        const ticksPerSecond = (transport.bpm.getValueAtTime(time) * PPQ) / 60;
        time += (at - transport.getTicksAtTime(time)) / ticksPerSecond;
      }
      transport.bpm.cancelScheduledValues(time);
      transport.bpm.setValueAtTime(bpm || arrangement.bpm, time);
      if (prepared.vinyl) graph.setVinyl(prepared.vinyl);
      // The session heard until the bar line (not one that was itself still waiting for it).
      if (old.origin < at) this.previous = old;
      this.session = buildSession(transport, graph, arrangement, prepared, { loops, bpm, hooks: this.#hooks(), origin: at, originBar, log: old.log });
      this.current = arrangement;
      return { audible: Tone.getContext().state === 'running', bar: originBar };
    });
  }

  // Disposes a session a new song took over from once its last notes and any quote have rung out.
  #retireLater(session, at) {
    this.retiring.add(session);
    const transport = Tone.getTransport();
    transport.scheduleOnce(() => {
      setTimeout(() => {
        if (!this.retiring.delete(session)) return; // stop() got there first
        if (this.previous === session) this.previous = null;
        session.dispose();
      }, 10000);
    }, `${at + 4 * session.ticksPerBar}i`);
  }

  // Changes a step-1 layer. While playing it takes effect at the next bar; resolves to that bar.
  setLayer(layer, prep) {
    return exclusive(async () => {
      if (!this.session) return { bar: null };
      const started = Tone.getTransport().state === 'started' && !this.paused;
      const { origin, ticksPerBar } = this.session;
      const ticks = started ? this.nextBarTicks() : origin + Math.max(0, Math.ceil((Tone.getTransport().ticks - origin) / ticksPerBar)) * ticksPerBar;
      this.session.setLayer(layer, prep, ticks);
      return { bar: this.session.barAt(ticks) };
    });
  }

  setVolume(layer, value) {
    this.volumes[layer] = value;
    this.graph?.chain.setVolume(layer, value);
  }

  // Pausing suspends the audio context: every layer, reverb tail included, freezes where it is
  // and resumes from there.
  pause() {
    return exclusive(async () => {
      if (!this.session || this.paused) return;
      await Tone.getContext().rawContext.suspend();
      this.paused = true;
    });
  }

  resume() {
    return exclusive(async () => {
      if (!this.paused) return;
      await Tone.getContext().resume();
      this.paused = false;
    });
  }

  stop() {
    return exclusive(async () => this.#stopNow());
  }

  // Disposes the session (its Parts and layer players); the graph stays, its instruments released.
  #stopNow() {
    const transport = Tone.getTransport();
    transport.stop();
    transport.cancel(0);
    transport.position = 0;
    Tone.getDraw().cancel(0);
    for (const session of this.retiring) session.dispose();
    this.retiring.clear();
    this.previous = null;
    if (this.session) {
      this.session.dispose();
      const now = Tone.now();
      this.graph?.releaseAll(now);
      this.graph?.chain.stopVinyl(now);
    }
    this.session = null;
    this.current = null;
    if (this.paused) {
      Tone.getContext().resume();
      this.paused = false;
    }
  }

  get playing() {
    return this.current !== null && Tone.getTransport().state === 'started';
  }

  get position() {
    return this.current ? String(Tone.getTransport().position) : '0:0:0';
  }

  get sessionBpm() {
    return Tone.getTransport().bpm.value;
  }

  // Bars since play(), across songs that took over (switchTo).
  get bar() {
    if (!this.session) return 0;
    const ticks = Tone.getTransport().ticks;
    const session = ticks < this.session.origin && this.previous ? this.previous : this.session;
    return session.barAt(ticks);
  }
}

// Renders `bars` bars of an arrangement with its layers offline and measures the result, which
// proves that sound really comes out without needing speakers or a user gesture. Also returns the
// session's log and loop points, so a test can check where every layer started and looped.
export function renderOffline(arrangement, prepared, { bars = 2, loops, bpm = null, volumes } = {}) {
  return exclusive(async () => {
    const tempo = bpm || arrangement.bpm;
    const qpb = quartersPerBar(arrangement.timeSignature);
    const seconds = (bars * qpb * 60) / tempo;
    let session = null;
    let loopPoints = null;
    let graph = null;
    const buffer = await Tone.Offline(async (context) => {
      // Its own graph, in the offline context: the same construction code as the live one.
      graph = await createGraph({ volumes, vinyl: prepared.vinyl });
      session = buildSession(context.transport, graph, arrangement, prepared, { loops, bpm: tempo });
      loopPoints = session.loopPoints();
      graph.chain.startVinyl(0);
      context.transport.start(0);
    }, seconds);
    const log = session?.log ?? [];
    session?.dispose();
    graph?.dispose();
    const barSeconds = (qpb * 60) / tempo;
    // buffer: the rendered AudioBuffer itself (api.js turns it into a WAV file for download).
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
