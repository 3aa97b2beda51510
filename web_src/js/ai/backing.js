// The AI track's backing, from its chords: the electric piano strikes each chord's upper voicing
// at the chord's start and again on every bar line it lasts over (a held chord dies away on a
// sampled instrument), and the bass plays a simple lo-fi line from the chord's bass note.
//
// chords: [{step, length, midis, chord}] in sixteenths from the start of the piece, midis as
// theory's voiceChord gives them (the bass first, then the close voicing; [] for no chord), chord
// theory's parsed chord (root, bass, intervals).

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

// The electric piano's strikes: [{step, length, midis}] (the voicing without its bass note).
export function chordHits(chords, barLength) {
  return barSegments(chords, barLength)
    .filter(({ chord }) => chord.midis.length > 1)
    .map(({ step, length, chord }) => ({ step, length, midis: chord.midis.slice(1) }));
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
