// The page's note and chord tokens: only what MIDI (0..127) can play comes out, so the sampler is
// never handed a note it cannot take ("C16" would be MIDI 204).
import test from 'node:test';
import assert from 'node:assert/strict';

import { chordToMidis, midiToNote, noteToMidi, parseToken } from '../../web_src/js/music/pitch.js';

test('note names become MIDI 0..127, in music21 and Tone spellings, and nothing outside it', () => {
  assert.equal(noteToMidi('C4'), 60);
  assert.equal(noteToMidi('B-2'), 46);
  assert.equal(noteToMidi('Bb2'), 46);
  assert.equal(noteToMidi('G9'), 127);
  assert.equal(noteToMidi('C-1'), 23); // music21's C flat in octave 1, not C in octave -1
  for (const name of ['C16', 'C10', 'G#9', 'A9', 'B#9', 'Cb-1', 'C99', 'H4', '60', '']) {
    assert.equal(noteToMidi(name), null, name);
  }
  assert.equal(midiToNote(127), 'G9');
  assert.throws(() => midiToNote(128), RangeError);
});

test('a token that is not a MIDI note or chord is not played', () => {
  assert.deepEqual(parseToken('E4'), { kind: 'note', midis: [64] });
  assert.deepEqual(parseToken('r'), { kind: 'rest', midis: [] });
  assert.deepEqual(parseToken('0.4.7'), { kind: 'chord', midis: [60, 64, 67] });
  for (const token of ['C16', 'G#9', 'C10', '12.4', '0.4.77', '11.10.9.8.7.6.5.4.3.2.1.0']) {
    assert.equal(parseToken(token), null, token);
  }
  // Pitch classes stacked upwards: in normal order a chord stays near middle C; in falling order
  // each note climbs most of an octave, and past 127 the chord is not played.
  assert.deepEqual(chordToMidis('11.2.5.8'), [59, 62, 65, 68]);
  assert.deepEqual(chordToMidis('11.10.9.8.7.6'), [59, 70, 81, 92, 103, 114]);
  assert.equal(chordToMidis('11.10.9.8.7.6.5').at(-1), 125);
  assert.equal(chordToMidis('11.10.9.8.7.6.5.4'), null); // its last note would be 136
});
