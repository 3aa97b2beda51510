// A lead sheet as the model writes it, token by token, turned into what the AI track plays: the
// melody (moved back to the listener's key), the chords on the electric piano and the bass line.
// Incremental, so the track can start while the model is still writing:
// - the melody's notes come as the lead-sheet decoder completes them (a note once its last tie is);
// - the backing comes a bar at a time in FREE mode (the model's chords of a bar are known once the
//   bar is written) and all at once, before any token, in FOLLOW mode (the listener's chords).
//
// Playable events: {part: 'melody'|'chords'|'bass', step, length, time, duration, notes, velocity},
// step and length in sixteenths from the start of the piece, time and duration as Tone
// TransportTimes (on the grid: the player swings them), notes as note names.

import { keyName, midiToNoteName, readToken, sixteenthsToTransport, strongBeats } from '../music/theory.js';
import { createLeadSheetDecoder } from './leadsheet.js';
import { chordFromToken, chordsKey } from './compose.js';
import { bassLine, chordHits } from './backing.js';
import theory from '../music/theory.json' with { type: 'json' };

const { END } = theory.leadsheet.tokens;
const VELOCITY = { strong: 0.78, beat: 0.7, offbeat: 0.62, chords: 0.42, comp: 0.32, bass: 0.72, pickup: 0.58 };

// A melody note's velocity from where it falls in the bar: a little accent on the strong beats,
// a little less on the off-beats, so the line breathes without any randomness.
function melodyVelocity(step, barLength, strong) {
  const pos = step % barLength;
  if (strong.includes(pos)) return VELOCITY.strong;
  return pos % 4 === 0 ? VELOCITY.beat : VELOCITY.offbeat;
}

// plan: compose.js's followPlan or freePlan; seed: the composition's (the chords' comping rhythm
// varies with it, backing.js).
export function createPieceBuilder(plan, { meter = [4, 4], seed = 1 } = {}) {
  const { barLength, shift, bars } = plan;
  const strong = strongBeats(...meter);
  const decoder = createLeadSheetDecoder({ barLength });
  const chordCache = new Map(); // token -> the listener's chord
  const written = []; // FREE mode: the model's chord changes, [{step, token}]
  let bar = -1; // the bar being written
  let ended = false;

  const playable = (part, step, length, midis, velocity) => ({
    part,
    step,
    length,
    time: sixteenthsToTransport(step, barLength),
    duration: sixteenthsToTransport(length, barLength),
    notes: midis.map((midi) => midiToNoteName(midi)),
    velocity,
  });
  const backing = (chords) => [
    ...chordHits(chords, barLength, { seed }).map((hit) => playable('chords', hit.step, hit.length, hit.midis, hit.accent ? VELOCITY.chords : VELOCITY.comp)),
    ...bassLine(chords, barLength).map((note) => playable('bass', note.step, note.length, [note.midi], note.step % barLength === 0 ? VELOCITY.bass : VELOCITY.pickup)),
  ];
  const heard = (token) => {
    if (!chordCache.has(token)) chordCache.set(token, chordFromToken(token, shift));
    return chordCache.get(token);
  };

  // FREE mode: the model's chords over [from, to), as {step, length, midis, chord} spans.
  function writtenSpans(from, to) {
    const spans = [];
    written.forEach((change, i) => {
      const end = i + 1 < written.length ? written[i + 1].step : Infinity;
      const start = Math.max(from, change.step);
      const stop = Math.min(to, end);
      if (stop <= start) return;
      const chord = heard(change.token);
      if (chord) spans.push({ step: start, length: stop - start, symbol: chord.symbol, midis: chord.midis, chord, token: change.token });
    });
    return spans;
  }

  const builder = {
    plan,
    tokens: [],
    events: plan.mode === 'follow' ? backing(plan.chords) : [],
    melody: [], // [{step, length, midi}] in the listener's key
    skipped: decoder.skipped,
    get barsDone() {
      return ended ? bars : Math.max(0, bar);
    },
    get done() {
      return ended;
    },
    // Takes the next token; returns the playable events it completes.
    push(token) {
      builder.tokens.push(token);
      const out = [];
      const step = decoder.steps;
      if (plan.mode === 'free' && token.startsWith('@') && heard(token)) {
        // A chord written again where it already sounds changes nothing (as in the training pieces).
        if (written.length === 0 || written[written.length - 1].token !== token) written.push({ step, token });
      }
      for (const event of decoder.push(token)) {
        if (event.type !== 'note') continue;
        const midi = event.midi - shift;
        builder.melody.push({ step: event.step, length: event.length, midi });
        out.push(playable('melody', event.step, event.length, [midi], melodyVelocity(event.step, barLength, strong)));
      }
      const isBar = readToken(token)?.kind === 'bar';
      if (isBar || token === END) {
        // The bar before is complete: in FREE mode its chords are known now.
        if (plan.mode === 'free' && bar >= 0) out.push(...backing(writtenSpans(bar * barLength, (bar + 1) * barLength)));
        if (isBar) bar += 1;
        else ended = true;
      }
      builder.events.push(...out);
      return out;
    },
    // {tokens, key, chords: [{step, length, symbol, midis}], melody: [{step, length, midi}], ...}.
    result() {
      const total = bars * barLength;
      const chords = plan.mode === 'follow' ? plan.chords : writtenSpans(0, total);
      return {
        tokens: [...builder.tokens],
        // FREE mode: the key of the model's chords (C major moved by the seed's shift without any).
        key: plan.key ?? chordsKey(chords.map((c) => ({ ...c.chord, length: c.length }))) ?? keyName(((-shift % 12) + 12) % 12, 'major'),
        mode: plan.mode,
        bars,
        barLength,
        chords: chords.map(({ step, length, symbol, midis }) => ({ step, length, symbol, midis: [...midis] })),
        melody: builder.melody.map((note) => ({ ...note })),
        mapped: plan.mapped.map((m) => ({ ...m })),
        // The model's chord tokens where they change, [{step, token}]: what another piece over the
        // same chords is told (the station's A' over A's chords).
        changes: (plan.mode === 'follow' ? plan.changes : written).map((c) => ({ step: c.step, token: c.token })),
      };
    },
  };
  return builder;
}
