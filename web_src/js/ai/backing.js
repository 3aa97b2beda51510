// The AI track's backing, from its chords: the electric piano comps each chord's upper voicing,
// and the bass plays a simple lo-fi line from the chord's bass note.
//
// chords: [{step, length, midis, chord}] in sixteenths from the start of the piece, midis as
// theory's voiceChord gives them (the bass first, then the close voicing; [] for no chord), chord
// theory's parsed chord (root, bass, intervals).

import { derivedRng } from './sampling.js';

// A chord's pieces between bar lines: [{step, length, chord}].
export function barSegments(chords, barLength) {
  const segments = [];
  for (const chord of chords) {
    let step = chord.step;
    const end = chord.step + chord.length;
    while (step < end) {
      const barEnd = (Math.floor(step / barLength) + 1) * barLength;
      const next = Math.min(end, barEnd);
      segments.push({ step, length: next - step, chord });
      step = next;
    }
  }
  return segments;
}

// The electric piano's samples die away in about 1.75 s, and a bar at 75 bpm lasts 3.2 s: a chord
// struck once a bar would be silent for the last 40% of it. So the piano comps: a strike at the
// chord's start and on every bar line it lasts over, and in a bar where it sounds for more than
// half the bar, a softer second strike on the "and" of 2 or on beat 3 (sixteenth 6 or 8 of the
// bar), at least a beat after the first and an eighth before the chord ends. Which of the two is
// picked per bar by the seed, so the pattern varies from bar to bar and the same seed comps the
// same way.
export const COMP_STEPS = [6, 8];
const COMP_SALT = 0x436f6d70; // "Comp": apart from the token draws' and the free key's streams
const BEAT = 4; // sixteenths from the first strike to the second, at least
const TAIL = 2; // sixteenths from the second strike to the chord's end, at least

// The second strike's place in bar `bar` for `seed`, in the order to try: [preferred, other].
export function compSteps(seed, bar) {
  const first = derivedRng(seed, (COMP_SALT + bar) >>> 0)() < 0.5 ? 0 : 1;
  return [COMP_STEPS[first], COMP_STEPS[1 - first]];
}

// The electric piano's strikes: [{step, length, midis, accent}] (the voicing without its bass
// note), each lasting until the next strike or the chord's end; accent false for the softer
// second strike of a bar.
export function chordHits(chords, barLength, { seed = 1 } = {}) {
  const hits = [];
  for (const { step, length, chord } of barSegments(chords, barLength)) {
    if (chord.midis.length < 2) continue;
    const midis = chord.midis.slice(1);
    const end = step + length;
    const barStart = Math.floor(step / barLength) * barLength;
    const again = length * 2 > barLength
      ? compSteps(seed, barStart / barLength).map((comp) => barStart + comp).find((at) => at >= step + BEAT && at <= end - TAIL)
      : undefined;
    if (again === undefined) {
      hits.push({ step, length, midis, accent: true });
    } else {
      hits.push({ step, length: again - step, midis, accent: true });
      hits.push({ step: again, length: end - again, midis: [...midis], accent: false });
    }
  }
  return hits;
}

// Where the bass's second note falls in a bar it has to itself: the "and" of beat 3 in 4/4
// (sixteenth 10), in 3/4 the "and" of beat 2.
const PICKUP = { 16: 10, 12: 6 };

// The bass line: [{step, length, midi}]. The chord's bass note on its first beat; in a bar the
// chord has to itself, a pickup on the "and" of 3 (PICKUP): the fifth above when the chord has a
// perfect fifth and no slash bass, else the octave.
export function bassLine(chords, barLength) {
  const notes = [];
  const pickup = PICKUP[barLength] ?? null;
  for (const { step, length, chord } of barSegments(chords, barLength)) {
    if (!chord.midis.length) continue;
    const bass = chord.midis[0];
    const wholeBar = step % barLength === 0 && length === barLength;
    if (pickup === null || !wholeBar) {
      notes.push({ step, length, midi: bass });
      continue;
    }
    const { root, bass: bassPc, intervals = [] } = chord.chord ?? {};
    const slash = bassPc !== undefined && bassPc !== root;
    const fifth = !slash && intervals.some((interval) => interval % 12 === 7);
    notes.push({ step, length: pickup, midi: bass });
    notes.push({ step: step + pickup, length: barLength - pickup, midi: bass + (fifth ? 7 : 12) });
  }
  return notes;
}
