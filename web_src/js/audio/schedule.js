// A session: one arrangement's Parts and its layers (audio/layer_players.js) on one transport,
// through a graph. Every time it puts on the Transport is in ticks: events from their sixteenths,
// swung by the one groove (audio/swing.js: the arrangement's swing, the drums layer's too), each
// note then nudged by its seeded humanisation as it is played (the log keeps the swung tick),
// loop lengths ("8m", "4:0:0") with the arrangement's own meter (music/time.js timeToTicks),
// since Tone would use the Transport's meter of the moment, the old song's while a new song waits
// for its first bar.

import { Tone } from './tone.js';
import { startAmbience, startDrums, startQuote } from './layer_players.js';
import { createKit, drumKind } from './drums.js';
import { routeOf } from './instruments.js';
import { DEFAULT_LOOPS } from './media.js';
import { count } from './probe.js';
import { appendToLog } from './session_log.js';
import { noteToMidi, midiToNote } from '../music/pitch.js';
import { humanise, humanVelocity, seedOf, swungTicks } from './swing.js';
import { TONE_PPQ as PPQ, quartersPerBar, sixteenthsToTicks, timeToTicks } from '../music/time.js';

// Note names from song JSON may be music21 spellings ("B-3"); normalise to Tone's, drop junk.
function playableNotes(notes) {
  return (notes || []).map(noteToMidi).filter((m) => m !== null).map(midiToNote);
}

// A part of drum hits ({lane, pattern, velocity} events: the station's drums, station/drums.js),
// each on its pattern's kit (prepared.kits: pattern id -> buffers). `spec.muted()` silences it
// (the listener has turned the drums off) without losing its place.
function drumPart(spec, { kits, chain, record, hooks, arrangement, seed }) {
  const made = {};
  const kitFor = (id) => (made[id] ??= kits[id] ? createKit(kits[id], chain.inputs.drums) : null);
  return count('part', new Tone.Part((time, event) => {
    if (spec.muted?.()) return;
    const kit = kitFor(event.pattern);
    if (!kit) return;
    const human = humanise(seed, event.lane, event.step);
    kit.hit(event.lane, Math.max(0, time + human.seconds), humanVelocity(event.velocity, human));
    record({ layer: 'drums', id: event.pattern, lane: event.lane, song: arrangement.id, ...(event.tune === undefined ? {} : { tune: event.tune, step: event.step }) }, time);
    hooks.onDrum?.(drumKind(event.lane), event.velocity, time);
  }, (spec.events ?? []).map((e) => ({ ...e, time: `${swungTicks(e.step, spec.swing ?? arrangement.swing)}i` }))));
}

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
  };
  // The humanisation's seed: the arrangement's, or its id's (the same song plays the same way).
  const seed = arrangement.seed ?? seedOf(arrangement.id);
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
    const ticks = ticksAt(time);
    appendToLog(log, { ...entry, ticks, bar: barAt(ticks) });
  };
  const loopTicks = {
    drums: timeToTicks(loops.drums, qpb),
    ambience: timeToTicks(loops.ambience, qpb),
    quoteAt: timeToTicks(loops.quoteAt, qpb),
    music: arrangement.loopBars ? arrangement.loopBars * ticksPerBar : null,
  };

  // Music: one Part per song part, looping every `loopBars` bars.
  const musicParts = [];
  arrangement.parts.forEach((spec, partIndex) => {
    if (spec.kind === 'drums') {
      const part = drumPart(spec, { kits: prepared.kits ?? {}, chain, record, hooks, arrangement, seed });
      part.start(`${origin}i`);
      spec.attach?.({ part, transport, origin });
      disposables.push(part);
      musicParts.push(part);
      return;
    }
    const recipe = prepared.music?.recipes?.[partIndex] ?? { name: spec.instrument, kind: 'synth' };
    // The melody on its own route, over the backing's tape filter (audio/instruments.js).
    const voice = spec.role ?? spec.name;
    const synth = graph.instrument(recipe, routeOf(spec));
    const swing = spec.swing ?? arrangement.swing;
    const events = spec.events
      .map((e, index) => ({ time: `${swungTicks(e.step, swing)}i`, length: e.length, notes: playableNotes(e.notes), velocity: e.velocity ?? 0.8, index, step: e.step }))
      .filter((e) => e.notes.length > 0);
    const part = count('part', new Tone.Part((time, event) => {
      const human = humanise(seed, voice, event.step + (event.pass ?? event.tune ?? 0) * 4096);
      synth.triggerAttackRelease(event.notes, `${sixteenthsToTicks(event.length)}i`, Math.max(0, time + human.seconds), humanVelocity(event.velocity, human));
      // A streamed piece's notes (audio/streamed_track.js) carry their pass and step, so a test can check that
      // every pass starts on its loop point.
      record({ layer: 'music', song: arrangement.id, part: partIndex, index: event.index, ...(event.pass === undefined ? {} : { pass: event.pass, step: event.step }), ...(event.tune === undefined ? {} : { tune: event.tune, step: event.step, notes: event.notes }) }, time);
      hooks.onNote?.(event.notes.map(noteToMidi), event.velocity, partIndex, time);
    }, events));
    // A part may loop on its own length (the listener's chord progression, progression.js).
    const partLoopBars = spec.loopBars ?? arrangement.loopBars;
    if (partLoopBars) {
      part.loop = true;
      part.loopEnd = `${partLoopBars * ticksPerBar}i`;
    }
    part.start(`${origin}i`);
    // A streamed part (the AI track, audio/streamed_track.js) adds its notes to the Part as they arrive.
    spec.attach?.({ part, transport, synth, origin });
    disposables.push(part);
    musicParts.push(part);
  });

  // Each layer is an instance with a start and an end in ticks (audio/layer_players.js).
  const current = { drums: null, ambience: null, quote: null };
  // Bar 5 counts from the first play(): a new song taking over later does not say it again.
  const quoteTicks = origin + loopTicks.quoteAt - originBar * ticksPerBar;
  const shared = { transport, chain, ticksAt, record, hooks, loopTicks, ticksPerBar, qpb, origin, disposables, quoteTicks, swing: arrangement.swing, seed };
  const starters = {
    drums: (prep, at) => startDrums(shared, prep, at),
    ambience: (prep, at) => startAmbience(shared, prep, at),
    quote: (prep, at) => startQuote(shared, prep, at),
  };

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
        solo: arrangement.id === 'ai' ? describe(loops.solo, timeToTicks(loops.solo, qpb)) : null,
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
