// The page's side of the musical vocabulary (web_src/js/music/theory.js), on its own; that it agrees
// with builder/theory.py case by case is tests/test_theory_parity.py's job.
import test from 'node:test';
import theory from '../../web_src/js/music/theory.json' with { type: 'json' };
import assert from 'node:assert/strict';

import * as t from '../../web_src/js/music/theory.js';

const names = (midis) => midis.map((m) => t.midiToNoteName(m, 'common'));
const voiced = (symbol) => names(t.voiceChord(t.parseChordSymbol(symbol)));
const keyOf = (text) => t.keyName(...t.estimateProgressionKey(text.split(/\s+/).map((s) => [t.parseChordSymbol(s), 16])));

test('chord symbols: roots, suffixes with extensions, slash basses and N.C.', () => {
  const dm9 = t.parseChordSymbol('Dm9');
  assert.deepEqual([dm9.root, dm9.bass, dm9.family, dm9.intervals], [2, 2, 'm7', [0, 3, 7, 10, 14]]);
  assert.deepEqual(t.parseChordSymbol('C7/E').pcs, [0, 4, 7, 10]);
  assert.equal(t.parseChordSymbol('C7/E').bass, 4);
  assert.deepEqual(t.parseChordSymbol('Dm7/G').pcs, [7, 2, 5, 9, 0]); // a bass outside the chord comes first
  assert.equal(t.parseChordSymbol('C6/9').family, '6'); // "/9" is a suffix, not a bass
  assert.equal(t.parseChordSymbol('Cm(maj7)').family, 'mM7');
  assert.equal(t.parseChordSymbol('B♭maj7').root, 10);
  for (const text of ['N.C.', 'NC', 'n.c.']) {
    const none = t.parseChordSymbol(text);
    assert.deepEqual([none.root, none.family, none.pcs], [null, null, []]);
  }
  for (const junk of ['Hm7', 'Gx7', 'C/H', 'Cm7 G7', '', '%', 'C7/', null]) assert.equal(t.parseChordSymbol(junk), null, junk);
});

test('every suffix belongs to a family, and every family reads back from its display name', () => {
  for (const [suffix, quality] of Object.entries(t.SUFFIXES)) {
    assert.ok(quality.family in t.FAMILIES, suffix);
    assert.equal(t.parseChordSymbol(`C${suffix}`).suffix, suffix);
  }
  assert.deepEqual(t.SEVENTH_FAMILIES.sort(), ['7', '7sus', 'dim7', 'm7', 'm7b5', 'mM7', 'maj7']);
  for (const name of t.FAMILY_NAMES) assert.equal(t.parseChordSymbol(t.familyChord(0, name).symbol).family, name);
});

test('the lo-fi voicing: the bass in octave 2, at most four close tones around middle C', () => {
  assert.deepEqual(voiced('Dm9'), ['D2', 'F3', 'A3', 'C4', 'E4']);
  assert.deepEqual(voiced('G13'), ['G2', 'F3', 'A3', 'B3', 'E4']);
  assert.deepEqual(voiced('Cmaj9'), ['C2', 'G3', 'B3', 'D4', 'E4']);
  assert.deepEqual(voiced('D/F#'), ['F#2', 'F#3', 'A3', 'D4']);
  assert.deepEqual(t.voiceChord(t.parseChordSymbol('N.C.')), []);
  assert.deepEqual(t.voiceChord(t.parseChordSymbol('Dm9'), 1), [50, 65, 69, 72, 76]);
  for (const suffix of Object.keys(t.SUFFIXES)) {
    const [bass, ...upper] = t.voiceChord(t.parseChordSymbol(`Ab${suffix}`));
    assert.ok(bass >= 36 && bass <= 47 && upper.length <= 4 && Math.min(...upper) >= 53 && Math.max(...upper) <= 64, suffix);
  }
});

test('chords read from pitch classes find their family; tokens go both ways', () => {
  assert.deepEqual(t.familyOf([2, 5, 9, 0], 2), [2, 'm7']);
  assert.deepEqual(t.familyOf([0, 4, 7, 11, 2]), [0, 'maj7']);
  assert.deepEqual(t.familyOf([]), [null, null]);
  assert.equal(t.chordToken(2, 'm7'), '@2:m7');
  assert.equal(t.chordToken(null, null), '@NC');
  assert.deepEqual(t.parseChordToken('@7:7'), [7, '7']);
  assert.equal(t.parseChordToken('@12:m7'), null);
  assert.throws(() => t.chordToken(0, 'm9'));
});

test('keys: ii-V-I and turnarounds land on their tonic; the tritone shift is -6', () => {
  assert.equal(keyOf('Dm7 G7 Cmaj7'), 'C major');
  assert.equal(keyOf('Gmaj7 E7 Am7 D7'), 'G major');
  assert.equal(keyOf('Em7 A7 Dmaj7 Bm7'), 'D major');
  assert.equal(keyOf('Cm7 Abmaj7 Fm7 G7'), 'C minor');
  assert.equal(keyOf('C N.C. G7'), 'C major');
  // Tritone substitutes, secondary and borrowed dominants colour the key; they do not move it.
  assert.equal(keyOf('Gm9 Gb13 Fmaj9 Ab13'), 'F major');
  assert.equal(keyOf('Dm9 Db7 Cmaj9 A7b9'), 'C major');
  assert.equal(keyOf('Cm9 Ab7 G7alt Cm9'), 'C minor');
  assert.equal(keyOf('Am7 Fmaj7 Cmaj7 G7'), 'C major'); // a major key's V7 is no colour
  assert.equal(t.keyShiftToC(6, 'major'), -6);
  assert.equal(t.keyShiftToC(2, 'major'), -2);
  assert.equal(t.keyShiftToC(4, 'minor'), 5);
  for (let tonic = 0; tonic < 12; tonic++) {
    const shift = t.keyShiftToC(tonic, 'minor');
    assert.ok(shift >= -6 && shift <= 5 && (tonic + shift + 12) % 12 === 9);
  }
  assert.deepEqual(t.estimateKey([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]), [0, 'major']); // a tie: the first key
  assert.deepEqual(t.parseKeyName('Eb major'), [3, 'major']);
});

test('a key name may be modal; its notes move to the white keys', () => {
  assert.deepEqual(t.parseKeyName('D dorian'), [2, 'dorian']);
  assert.deepEqual(t.parseKeyName('F# Mixolydian'), [6, 'mixolydian']);
  assert.deepEqual(t.parseKeyName('A aeolian'), [9, 'minor']);
  assert.deepEqual(t.parseKeyName('C ionian'), [0, 'major']);
  assert.equal(t.parseKeyName('D blues'), null);
  assert.equal(t.parseKeyName('D constructor'), null);
  assert.equal(t.keyShiftToC(2, 'dorian'), 0);
  assert.equal(t.keyShiftToC(6, 'dorian'), -4); // F# dorian has E major's notes
  assert.throws(() => t.keyShiftToC(0, 'blues'), /unknown mode/);
  assert.equal(t.transposeSymbol('Dm7/F', 2), 'Em7/G');
  assert.equal(t.transposeSymbol('N.C.', 3), 'N.C.');
});

test('note names in music21 and Tone spellings', () => {
  for (const name of ['Bb3', 'B-3', 'A#3', 'bb3']) assert.equal(t.noteNameToMidi(name), 58);
  assert.equal(t.noteNameToMidi('Fx4'), 67);
  assert.equal(t.noteNameToMidi('H4'), null);
  assert.equal(t.noteNameToMidi('G#9'), null); // 128: not MIDI
  assert.equal(t.midiToNoteName(61), 'C#4');
  assert.equal(t.midiToNoteName(61, 'flat'), 'Db4');
  assert.throws(() => t.midiToNoteName(128));
});

test('lead-sheet tokens', () => {
  assert.deepEqual(t.LENGTHS, [1, 2, 3, 4, 6, 8, 12, 16]);
  assert.deepEqual(t.splitLength(5), [4, 1]);
  assert.deepEqual(t.splitLength(20), [16, 4]);
  assert.equal(t.noteToken(67), 'n67');
  assert.equal(t.lengthToken(12), 'd12');
  assert.throws(() => t.lengthToken(5));
  assert.deepEqual(t.readToken('@2:m7'), { kind: 'chord', root: 2, family: 'm7' });
  assert.deepEqual(t.readToken('@NC'), { kind: 'chord', root: null, family: null });
  assert.deepEqual(t.readToken('n67'), { kind: 'note', midi: 67 });
  assert.deepEqual(t.readToken('d16'), { kind: 'length', sixteenths: 16 });
  assert.deepEqual(t.readToken('~'), { kind: 'tie' });
  assert.equal(t.readToken('d5'), null);
  assert.deepEqual(t.strongBeats(4, 4), [0, 8]);
  assert.ok(t.isStrongBeat(0, 3, 4) && !t.isStrongBeat(4, 3, 4));
  assert.deepEqual(t.LEADSHEET.register, { low: 48, high: 84, medianLow: 60, medianHigh: 72 });
  assert.equal(t.CHORD_TONE_BIAS, theory.leadsheet.chordToneBias);
});

test('music/ imports nothing from the folders that use it (it is their vocabulary)', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const folder = new URL('../../web_src/js/music/', import.meta.url);
  const outside = [];
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.js'))) {
    for (const [, path] of readFileSync(new URL(name, folder), 'utf8').matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (path.startsWith('../')) outside.push(`${name}: ${path}`);
    }
  }
  assert.deepEqual(outside, []);
});
