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

test('without bar lines each chord is a bar; with them the chords of a bar share it', () => {
  const four = parseProgression('Dm7 G7 Cmaj7 Am7');
  assert.deepEqual([four.bars, four.barLength, four.key.name], [4, 16, 'C major']);
  assert.deepEqual(four.chords.map((c) => [c.symbol, c.bar, c.start, c.sixteenths]), [
    ['Dm7', 0, 0, 16],
    ['G7', 1, 16, 16],
    ['Cmaj7', 2, 32, 16],
    ['Am7', 3, 48, 16],
  ]);
  const shared = parseProgression('C F G | Am');
  assert.deepEqual(shared.chords.map((c) => [c.step, c.start, c.sixteenths]), [[0, 0, 5], [5, 5, 5], [10, 10, 6], [0, 16, 16]]);
  assert.deepEqual(parseProgression('Dm7 G7 | C', [3, 4]).chords.map((c) => c.sixteenths), [6, 6, 12]);
});

test('a repeat copies the bar before; bar lines at the ends are allowed', () => {
  const repeated = parseProgression('Dm9 | G13 C | %');
  assert.deepEqual(repeated.chords.map((c) => [c.symbol, c.start]), [['Dm9', 0], ['G13', 16], ['C', 24], ['G13', 32], ['C', 40]]);
  assert.deepEqual(parseProgression('| Dm7 | G7 |').chords, parseProgression('Dm7 | G7').chords);
});

test('bad text is refused in one line naming its bar or symbol', () => {
  assert.deepEqual(parseProgression('Dm7 || G7').errors, [{ symbol: '', bar: 2, message: 'bar 2 is empty' }]);
  assert.deepEqual(parseProgression('Dm7 | Hm7').errors, [{ symbol: 'Hm7', bar: 2, message: '"Hm7" is not a chord symbol I know (bar 2)' }]);
  assert.equal(parseProgression('% Dm7').errors[0].message, '"%" in bar 1 repeats the bar before, but there is none');
  assert.equal(parseProgression(`${'C '.repeat(17)}| C`).errors[0].message, 'bar 1 has 17 chords; a bar of 16 sixteenths holds 16 at most');
  assert.throws(() => makeProgression('Dm7 | Hm7'), /"Hm7" is not a chord symbol I know \(bar 2\)/);
});

test('a made progression names its key and says its tonic and mode', () => {
  const p = makeProgression('Cm7 Abmaj7 Fm7 G7');
  assert.deepEqual([p.key, p.tonic, p.mode, p.shift], ['C minor', 0, 'minor', -3]);
});
