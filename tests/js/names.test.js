// keep/names.js: a download is named after what it holds and the day it was made, in characters
// every file system takes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { dateStamp, fileName, keyWords, MAX_BASE, slug, trackWords } from '../../web_src/js/keep/names.js';

const DAY = new Date(2026, 11, 7, 23, 59); // local time: the listener's day, whatever the time zone

test('a song is named after its title, a recording says so, both with the date', () => {
  assert.equal(fileName({ title: 'First Light' }, 'wav', { date: DAY }), 'first-light-2026-12-07.wav');
  assert.equal(fileName({ title: 'First Light' }, 'webm', { date: DAY, suffix: 'recording' }), 'first-light-recording-2026-12-07.webm');
});

test("the AI tune is named after its key and tempo, not 'ai-solo'", () => {
  assert.equal(fileName({ ai: { key: 'F# minor', bpm: 75 } }, 'mid', { date: DAY }), 'ai-tune-f-sharp-minor-75-bpm-2026-12-07.mid');
  assert.equal(fileName({ ai: { key: 'Eb major', bpm: 82.4 } }, 'wav', { date: DAY }), 'ai-tune-e-flat-major-82-bpm-2026-12-07.wav');
  // Not known yet (no chords, nothing written): what is known.
  assert.equal(fileName({ ai: { key: null, bpm: 70 } }, 'mid', { date: DAY }), 'ai-tune-70-bpm-2026-12-07.mid');
  assert.equal(fileName({ ai: {} }, 'mid', { date: DAY }), 'ai-tune-2026-12-07.mid');
});

test("a station tune is named after its station, its number (from 1), key and tempo", () => {
  const tune = { station: 4821, index: 2, key: 'Bb minor', bpm: 68 };
  assert.equal(trackWords({ tune }), 'station 4821 tune 3 b-flat-minor 68 bpm');
  assert.equal(fileName({ tune }, 'mid', { date: DAY }), 'station-4821-tune-3-b-flat-minor-68-bpm-2026-12-07.mid');
  assert.equal(fileName({ tune: { ...tune, index: 0 } }, 'ogg', { date: DAY, suffix: 'recording' }), 'station-4821-tune-1-b-flat-minor-68-bpm-recording-2026-12-07.ogg');
});

test('two kinds of track, or two days, never share a name', () => {
  const names = new Set([
    fileName({ title: 'First Light' }, 'mid', { date: DAY }),
    fileName({ ai: { key: 'C major', bpm: 75 } }, 'mid', { date: DAY }),
    fileName({ ai: { key: 'C minor', bpm: 75 } }, 'mid', { date: DAY }),
    fileName({ ai: { key: 'C major', bpm: 80 } }, 'mid', { date: DAY }),
    fileName({ tune: { station: 1, index: 0, key: 'C major', bpm: 75 } }, 'mid', { date: DAY }),
    fileName({ tune: { station: 1, index: 1, key: 'C major', bpm: 75 } }, 'mid', { date: DAY }),
    fileName({ title: 'First Light' }, 'mid', { date: new Date(2026, 11, 8) }),
  ]);
  assert.equal(names.size, 7);
});

test('key names in every spelling the page meets become words', () => {
  assert.equal(keyWords('C major'), 'c-major');
  assert.equal(keyWords('F# minor'), 'f-sharp-minor');
  assert.equal(keyWords('B- dorian'), 'b-flat-dorian'); // music21's flat
  assert.equal(keyWords('Cbb major'), 'c-double-flat-major');
  assert.equal(keyWords('  g  Mixolydian '), 'g-mixolydian');
  assert.equal(keyWords(null), '');
  assert.equal(keyWords('weird key!'), 'weird-key');
});

test('names are safe: ASCII letters, digits and hyphens only, never empty, never too long', () => {
  const hostile = ['../../etc/passwd', 'CON', 'Café Noir — été', 'a/b\\c:d*e?f"g<h>i|j', '\u0000\u202e.exe', '   ', '', '日本の夜', 'x'.repeat(500)];
  for (const title of hostile) {
    const name = fileName({ title }, 'wav', { date: DAY });
    assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*-2026-12-07\.wav$/, `${JSON.stringify(title)} -> ${name}`);
    assert.ok(name.length <= MAX_BASE + '-2026-12-07.wav'.length, name);
  }
  assert.equal(slug('Café Noir — été'), 'cafe-noir-ete');
  assert.equal(slug('日本の夜'), 'lofi');
  assert.equal(fileName({ title: 'x' }, '../../evil', { date: DAY }), 'x-2026-12-07.evil');
});

test('the date is the local day, zero-padded', () => {
  assert.equal(dateStamp(new Date(2027, 0, 5, 0, 1)), '2027-01-05');
});
