// The listener's progression (web_src/js/music/progression.js) on the vocabulary of music/theory.js: the
// key a progression is heard in, the shift to the model's key, N.C., and the backing voicing.
import test from 'node:test';
import assert from 'node:assert/strict';

import { backingPart, makeProgression, parseProgression } from '../../web_src/js/music/progression.js';
import { noteNameToMidi, parseChordSymbol, voiceChord } from '../../web_src/js/music/theory.js';

test('a ii-V-I is heard in its I, a turnaround in the key it turns back to', () => {
  assert.equal(makeProgression('Dm7 G7 Cmaj7').key, 'C major');
  assert.equal(makeProgression('Gmaj7 E7 Am7 D7').key, 'G major');
  const d = makeProgression('Em7 A7 Dmaj7 Bm7');
  assert.deepEqual([d.key, d.shift, d.modelChords], ['D major', -2, ['Dm7', 'G7', 'Cmaj7', 'Am7']]);
});

test('a progression a tritone from C moves down six semitones, as the corpus does', () => {
  const p = makeProgression('G#m7 C#7 F#maj7');
  assert.deepEqual([p.key, p.shift, p.modelChords], ['F# major', -6, ['Dm7', 'G7', 'Cmaj7']]);
});

test('N.C. is a silent chord: accepted, left out of the backing and the key', () => {
  const parsed = parseProgression('Dm7 N.C. | G7 Cmaj7');
  assert.deepEqual(parsed.errors, []);
  const progression = makeProgression('Dm7 N.C. | G7 Cmaj7');
  assert.equal(progression.key, 'C major');
  assert.deepEqual(backingPart(progression).events.map((e) => e.chord), ['Dm7', 'G7', 'Cmaj7']);
});

test('the backing part plays the lo-fi voicing the songs use', () => {
  const events = backingPart(makeProgression('Dm9 G13 | Cmaj9')).events;
  assert.deepEqual(events.map((e) => [e.step, e.length]), [[0, 8], [8, 8], [16, 16]]);
  for (const event of events) {
    assert.deepEqual(event.notes.map(noteNameToMidi), voiceChord(parseChordSymbol(event.chord)));
  }
  assert.deepEqual(events[0].notes, ['D2', 'F3', 'A3', 'C4', 'E4']);
});
