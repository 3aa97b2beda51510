// keep/share.js: the state a share link carries, to the URL fragment and back.
import test from 'node:test';
import assert from 'node:assert/strict';

import { decodeShare, encodeShare, shareStateOf } from '../../web_src/js/keep/share.js';

const LAYERS = { drums: 'boom-bap', ambience: null, quote: 'q1' };

test('a song, its layers and tempo make the same state again', () => {
  const state = shareStateOf({ song: 'first-light', layers: LAYERS, bpm: 84, progression: 'Dm7 | G7', fresh: false });
  const fragment = encodeShare(state);
  assert.match(fragment, /^v=1&song=first-light&drums=boom-bap&ambience=&quote=q1&bpm=84&chords=Dm7\+%7C\+G7$/);
  assert.deepEqual(decodeShare(`https://example.org/lofi/#${fragment}`), state);
});

test("the AI track's link carries the request's seed, settings and a lead sheet's bars", () => {
  const request = { seed: 7, temperature: 0.9, length: 200, bars: 12, topK: 0, topP: 0.95, primer: ['<s>'], progression: { text: 'Am7 | D7' } };
  const leadSheet = shareStateOf({ song: 'ai', layers: LAYERS, bpm: null, progression: 'C', fresh: true, request, leadSheet: true });
  // The progression the piece was written over, not the chord field's of the moment.
  assert.equal(leadSheet.progression, 'Am7 | D7');
  assert.deepEqual(leadSheet.solo, { seed: 7, temperature: 0.9, length: 200, bars: 12, topK: 0, topP: 0.95 });
  const back = decodeShare(encodeShare(leadSheet));
  assert.deepEqual(back, { ...leadSheet, bpm: null });
  // A timed solo's size is its length: no bars in its link.
  const timed = shareStateOf({ song: 'ai', layers: LAYERS, request, leadSheet: false });
  assert.equal('bars' in timed.solo, false);
  assert.doesNotMatch(encodeShare(timed), /bars=/);
});

test('out-of-range and foreign values are dropped, not trusted', () => {
  const state = decodeShare('#v=1&song=ai&bpm=999&temp=9&bars=1000&len=12.4&seed=abc&topk=-1');
  assert.equal(state.bpm, null);
  assert.deepEqual(state.solo, { seed: 'abc', length: 12 });
  assert.equal(decodeShare('#song=ai'), null); // no version
  assert.equal(decodeShare(''), null);
});

test("the AI radio's link carries its station and the tune playing, counted from 1", () => {
  const state = shareStateOf({ song: 'station', layers: LAYERS, bpm: null, progression: null, fresh: false, station: { seed: 482913, start: 2 } });
  const fragment = encodeShare(state);
  assert.match(fragment, /&station=482913&tune=3$/);
  assert.deepEqual(decodeShare(`#${fragment}`), state);
  // The first tune of a station: tune=1, start 0; a link without a tune starts there too.
  assert.deepEqual(decodeShare(encodeShare({ ...state, station: { seed: 0, start: 0 } })).station, { seed: 0, start: 0 });
  assert.deepEqual(decodeShare('#v=1&song=station&station=7').station, { seed: 7, start: 0 });
  // Only the radio carries a station: another track's link ignores one.
  assert.doesNotMatch(encodeShare({ ...state, song: 'first-light' }), /station=|tune=/);
  assert.equal('station' in decodeShare('#v=1&song=ai&station=7&tune=2'), false);
});

test("a station link's seed and tune are whole numbers in range, or not used", () => {
  for (const bad of ['abc', '-1', '1.5', '4294967296', '']) {
    assert.equal('station' in decodeShare(`#v=1&song=station&station=${bad}&tune=2`), false, bad);
  }
  // A bad tune falls back to the station's first tune; the station itself still plays.
  for (const bad of ['0', 'x', '2.5', '100002']) {
    assert.deepEqual(decodeShare(`#v=1&song=station&station=9&tune=${bad}`).station, { seed: 9, start: 0 }, bad);
  }
  assert.deepEqual(decodeShare('#v=1&song=station&station=4294967295&tune=100001').station, { seed: 4294967295, start: 100000 });
  // Nothing to encode without a seed.
  assert.doesNotMatch(encodeShare({ song: 'station', station: { seed: null, start: 1 } }), /station=/);
});

test("the AI radio's link carries the sampling its tunes were written with, not one tune's seed or size", () => {
  const state = { song: 'station', drums: null, bpm: null, progression: 'Dm7 | G7', fresh: false, station: { seed: 5, start: 0 }, solo: { seed: 3, temperature: 0.6, length: 90, bars: 12, topK: 8, topP: 0.9 } };
  const fragment = encodeShare(state);
  assert.doesNotMatch(fragment, /seed=|len=|bars=/);
  const back = decodeShare(fragment);
  assert.deepEqual(back.solo, { temperature: 0.6, topK: 8, topP: 0.9 });
  assert.equal(back.progression, 'Dm7 | G7');
  // Without sampling in the link, the page's own settings stay.
  assert.equal('solo' in decodeShare('#v=1&song=station&station=5'), false);
});
