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

const REGISTER = theory.melodyRegister;

function median(values) {
  const ordered = [...values].sort((a, b) => a - b);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
}

// The octave, in semitones, to move a melody by, decided from its first bar's notes ([{step, midi}]):
// of the two octaves that put their median either side of theory.json's melodyRegister median, the
// one whose bar, lifted over the voicing (`top(step)`: its top, null under N.C.), has its median
// nearest it (ties: the lower, which keeps the melody nearer the chords).
export function registerOctave(notes, top) {
  const below = 12 * Math.floor((REGISTER.median - median(notes.map((n) => n.midi))) / 12) || 0; // 0, not -0
  const [low, high] = [below, below + 12].map((octave) => Math.abs(median(liftedBar(notes, octave, top)) - REGISTER.median));
  return low <= high ? below : below + 12;
}

// One bar's notes ([{step, midi}]) moved by `octave`, then up an octave as a whole where one sits at
// or under the top of the voicing sounding at its onset (`top(step)`, null: no chord), its highest
// note kept within the ceiling, then note by note: the melody above the chords; a note over the
// ceiling goes down by octaves while it stays over the voicing. Returns the midis.
export function liftedBar(notes, octave, top) {
  const midis = notes.map((n) => n.midi + octave);
  const tops = notes.map((n) => top(n.step));
  const under = midis.some((m, i) => tops[i] !== null && m <= tops[i]);
  if (under && Math.max(...midis) + 12 <= REGISTER.ceiling) midis.forEach((m, i) => (midis[i] = m + 12));
  tops.forEach((t, i) => {
    while (t !== null && midis[i] <= t && midis[i] + 12 <= REGISTER.ceiling) midis[i] += 12;
    while (midis[i] > REGISTER.ceiling && (t === null || midis[i] - 12 > t)) midis[i] -= 12;
  });
  return midis;
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
  // The melody's register (theory.json melodyRegister): a bar's notes are folded once it is written,
  // the octave decided at the end of the first bar with notes; notes wait until their bar is.
  const onsets = []; // [{step, midi}] of every note begun, moved back to the listener's key
  let heldPitch = null; // a note token's pitch, begun once its length comes
  let octave = null;
  const folded = new Map(); // onset step -> the note's midi in its register
  let waiting = []; // notes complete but their bar not yet folded: [{step, length}]

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

  // The top of the voicing sounding at `step` (null under N.C. or before any chord).
  function voicingTop(step) {
    const spans = plan.mode === 'follow' ? plan.chords : writtenSpans(step, step + 1);
    const sounding = spans.filter((c) => c.step <= step && step < c.step + c.length && c.midis.length);
    return sounding.length ? Math.max(...sounding[sounding.length - 1].midis) : null;
  }

  // Bar `b` is written: fold its notes, then let out the notes that waited for it.
  function closeBar(b) {
    if (octave === null && onsets.length) octave = registerOctave(onsets, voicingTop);
    if (octave !== null) {
      const notes = onsets.filter((n) => Math.floor(n.step / barLength) === b);
      liftedBar(notes, octave, voicingTop).forEach((midi, i) => folded.set(notes[i].step, midi));
    }
    return release();
  }

  // The waiting notes whose bar is folded, as playable events.
  function release() {
    const ready = waiting.filter((n) => folded.has(n.step));
    waiting = waiting.filter((n) => !folded.has(n.step));
    return ready.map((note) => {
      const midi = folded.get(note.step);
      builder.melody.push({ step: note.step, length: note.length, midi });
      return playable('melody', note.step, note.length, [midi], melodyVelocity(note.step, barLength, strong));
    });
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
      const read = readToken(token);
      if (plan.mode === 'free' && read?.kind === 'chord' && heard(token)) {
        // A chord written again where it already sounds changes nothing (as in the training pieces).
        if (written.length === 0 || written[written.length - 1].token !== token) written.push({ step, token });
      }
      if (read?.kind === 'note') heldPitch = read.midi - shift;
      else if (read?.kind === 'rest' || read?.kind === 'tie') heldPitch = null;
      else if (read?.kind === 'length' && heldPitch !== null) {
        onsets.push({ step, midi: heldPitch });
        heldPitch = null;
      }
      for (const event of decoder.push(token, read)) {
        if (event.type === 'note') waiting.push({ step: event.step, length: event.length });
      }
      out.push(...release()); // a note of a bar already folded (tied over its bar line)
      const isBar = read?.kind === 'bar';
      if (isBar || token === END) {
        // The bar before is complete: in FREE mode its chords are known now.
        if (plan.mode === 'free' && bar >= 0) out.push(...backing(writtenSpans(bar * barLength, (bar + 1) * barLength)));
        if (bar >= 0) out.push(...closeBar(bar));
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
