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
