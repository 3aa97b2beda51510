// Share it: the whole musical state in the URL's fragment ("#v=1&song=ai&seed=7&..."),
// so a link reproduces the same music: the same layers, the same song or the same AI solo (its seed
// and sampling settings regenerate the same tokens on the same backend), the same progression and
// tempo. The fragment never reaches a server, and the page (and its offline copy) stays one URL.
//
// The state object is what window.lofi.play() takes:
//   {song, drums, ambience, quote, bpm, progression, fresh, solo: {seed, temperature, length, bars, topK, topP},
//    station: {seed, start}}
// A layer is an id, or null for off; bpm null is the track's own tempo; progression null is none.
// solo.bars is a lead sheet's size (a "timed" solo's is its length in tokens); a link without it
// (older links, or a piece of the default size) composes the default: whole passes of the chords,
// at least 8 bars.
// The AI radio's link names its station (the seed that plans every tune) and the tune that played,
// counted from 1 as the page says it ("station=482913&tune=3" is start 2), so it plays that tune on,
// and the sampling its tunes were written with (solo: {temperature, topK, topP}).

import { GENERATION_RANGES } from '../ai/settings.js';

const KEYS = { seed: 'seed', temperature: 'temp', length: 'len', bars: 'bars', topK: 'topk', topP: 'topp' };
const STATION_KEYS = ['temperature', 'topK', 'topP']; // the radio's sampling; its seed is the station's
const LAYERS = ['drums', 'ambience', 'quote'];
const MAX_SEED = GENERATION_RANGES.seed[1];
const MAX_TUNE = 100000; // the station's own limit on its first tune

// The state a link carries, from what plays: `song` and `layers` ({drums, ambience, quote}), the
// tempo, the progression, `fresh`, and for the AI track the last piece's request (its seed and
// sampling settings, a lead sheet's bars and the progression it was written over make it again).
export function shareStateOf({ song, layers, bpm, progression, fresh, request = null, leadSheet = false, station = null }) {
  const state = { song, ...layers, bpm: bpm || null, progression: progression ?? null, fresh: Boolean(fresh) };
  if (song === 'station' && station) state.station = { seed: station.seed, start: station.start };
  if (song === 'ai' && request) {
    const { seed, temperature, length, bars, topK, topP } = request;
    state.solo = { seed, temperature, length, ...(leadSheet ? { bars } : {}), topK, topP };
    state.progression = request.progression?.text ?? null;
  }
  return state;
}

export function encodeShare(state) {
  const params = new URLSearchParams();
  params.set('v', '1');
  if (state.song) params.set('song', state.song);
  for (const layer of LAYERS) if (state[layer] !== undefined) params.set(layer, state[layer] ?? '');
  if (state.bpm) params.set('bpm', String(state.bpm));
  if (state.progression) params.set('chords', state.progression);
  if (state.fresh) params.set('fresh', '1');
  if (state.song === 'station' && state.station && isWhole(state.station.seed, 0, MAX_SEED)) {
    params.set('station', String(state.station.seed));
    if (isWhole(state.station.start, 0, MAX_TUNE)) params.set('tune', String(state.station.start + 1));
  }
  if ((state.song === 'ai' || state.song === 'station') && state.solo) {
    for (const [key, short] of Object.entries(KEYS)) {
      if (state.song === 'station' && !STATION_KEYS.includes(key)) continue;
      if (state.solo[key] !== undefined && state.solo[key] !== null && state.solo[key] !== '') params.set(short, String(state.solo[key]));
    }
  }
  return params.toString();
}

const isWhole = (value, lo, hi) => Number.isInteger(Number(value)) && value !== null && value !== '' && Number(value) >= lo && Number(value) <= hi;
const whole = (text, lo, hi) => (text !== null && /^\d+$/.test(text) && isWhole(Number(text), lo, hi) ? Number(text) : undefined);

const number = (text, lo, hi) => {
  const v = Number(text);
  return text !== null && text !== '' && Number.isFinite(v) && v >= lo && v <= hi ? v : undefined;
};

// A URL, a fragment ("#v=1&...") or its text -> the state object, or null when it holds none.
export function decodeShare(input) {
  let text = String(input ?? '');
  const hash = text.indexOf('#');
  if (hash >= 0) text = text.slice(hash + 1);
  const params = new URLSearchParams(text);
  if (!params.has('v') || !params.has('song')) return null;
  const state = { song: params.get('song') };
  for (const layer of LAYERS) if (params.has(layer)) state[layer] = params.get(layer) || null;
  state.bpm = number(params.get('bpm'), 30, 240) ?? null;
  state.progression = params.get('chords') || null;
  state.fresh = params.get('fresh') === '1';
  if (state.song === 'station') {
    const seed = whole(params.get('station'), 0, MAX_SEED);
    const tune = whole(params.get('tune'), 1, MAX_TUNE + 1);
    if (seed !== undefined) state.station = { seed, start: tune === undefined ? 0 : tune - 1 };
    const solo = readSolo(params, STATION_KEYS);
    if (Object.keys(solo).length) state.solo = solo;
  }
  if (state.song === 'ai') state.solo = readSolo(params, Object.keys(KEYS));
  return state;
}

// The sampling settings `names` of a link, each in its range (ai/settings.js, the generator's and
// the form's) or left out.
function readSolo(params, names) {
  const solo = {};
  if (names.includes('seed')) {
    const seed = params.get(KEYS.seed);
    if (seed) solo.seed = /^\d+$/.test(seed) ? Number(seed) : seed;
  }
  if (names.includes('length')) {
    const length = number(params.get(KEYS.length), ...GENERATION_RANGES.length);
    if (length !== undefined) solo.length = Math.round(length);
  }
  if (names.includes('bars')) {
    const bars = number(params.get(KEYS.bars), ...GENERATION_RANGES.bars);
    if (bars !== undefined) solo.bars = Math.round(bars);
  }
  const temperature = number(params.get(KEYS.temperature), ...GENERATION_RANGES.temperature);
  if (temperature !== undefined) solo.temperature = temperature;
  const topK = number(params.get(KEYS.topK), ...GENERATION_RANGES.topK);
  if (topK !== undefined) solo.topK = Math.round(topK);
  const topP = number(params.get(KEYS.topP), ...GENERATION_RANGES.topP);
  if (topP !== undefined) solo.topP = topP;
  return solo;
}
