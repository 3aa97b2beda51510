// ai/primer.js: chord symbols and a song's opening -> the vocabulary's nearest tokens.
import test from 'node:test';
import assert from 'node:assert/strict';

import { chordsToPrimer, nearestToken, songPrimer } from '../../web_src/js/ai/primer.js';
import { readSong } from '../../web_src/js/catalogue.js';

const VOCAB = ['<s>', '</s>', 'r:4', 'r:16', 'C4:4', 'D4:4', 'E4:16', '2.5.9.0:16', '2.5.9.0:4', '7.11.2.5:16', '0.4.7:16', '0.4.7:8'];

test('chord symbols become the tokens with their pitch classes and the nearest length', () => {
  assert.deepEqual(chordsToPrimer(['Dm7', 'G7', 'N.C.'], VOCAB), ['<s>', '2.5.9.0:16', '7.11.2.5:16', 'r:16']);
  assert.deepEqual(chordsToPrimer('Dm7 | C', VOCAB, { sixteenths: 4 }), ['<s>', '2.5.9.0:4', '0.4.7:8']);
  assert.throws(() => chordsToPrimer(['Xq'], VOCAB), /unknown chord symbol "Xq"/);
  // Without "<s>" in the vocabulary there is nothing to start with.
  assert.deepEqual(chordsToPrimer(['C'], VOCAB.slice(2)), ['0.4.7:16']);
});

test('one string is read as a typed progression: bars, chords sharing a bar, repeats', () => {
  const vocab = [...VOCAB, '2.5.9.0:8', '7.11.2.5:8'];
  // Two chords share the first bar, as the chord box plays them; "%" repeats it; commas separate too.
  assert.deepEqual(chordsToPrimer('Dm7 G7 | C | %', vocab), ['<s>', '2.5.9.0:8', '7.11.2.5:8', '0.4.7:16', '0.4.7:16']);
  assert.deepEqual(chordsToPrimer('Dm7, G7', vocab), chordsToPrimer(['Dm7', 'G7'], vocab));
  // A bar lasts `sixteenths`: its chords share that.
  assert.deepEqual(chordsToPrimer('Dm7 G7', vocab, { sixteenths: 8 }), chordsToPrimer(['Dm7', 'G7'], vocab, { sixteenths: 8 }));
  assert.deepEqual(chordsToPrimer('| Dm7 G7 |', vocab, { sixteenths: 8 }), ['<s>', '2.5.9.0:4', '7.11.2.5:8']);
  assert.throws(() => chordsToPrimer('Dm7 | Xq', vocab), /"Xq" is not a chord symbol I know \(bar 2\)/);
  assert.throws(() => chordsToPrimer('% | C', vocab), /repeats the bar before/);
  assert.throws(() => chordsToPrimer('', vocab), /type some chords/);
});

test('a chord the vocabulary lacks gets the one sharing the most pitch classes', () => {
  assert.equal(nearestToken(VOCAB, { kind: 'chord', pcs: [0, 4, 7, 11], length: 16 }), '0.4.7:16');
  assert.equal(nearestToken(VOCAB, { kind: 'note', pcs: [2], midi: 62, length: 4 }), 'D4:4');
});

test("a song's opening is sliced on the sixteenth grid from its chord part", () => {
  const song = {
    id: 'tiny',
    timeSignature: [4, 4],
    parts: [
      { name: 'melody', events: [{ time: '0:0:0', duration: '0:1:0', notes: ['E5'] }] },
      {
        name: 'chords',
        events: [
          { time: '0:0:0', duration: '1:0:0', notes: ['C4', 'E4', 'G4'] },
          { time: '1:0:0', duration: '1:0:0', notes: ['D4', 'F4', 'A4', 'C5'] },
        ],
      },
    ],
  };
  assert.deepEqual(songPrimer(readSong(song), VOCAB, { bars: 2 }), ['<s>', '0.4.7:16', '2.5.9.0:16']);
  assert.throws(() => songPrimer({ id: 'empty', parts: [] }, VOCAB), /song "empty" has no notes/);
});
