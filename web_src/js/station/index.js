// The station for window.lofi: its options (a seed, the listener's chords, mood and drums), the
// plan of tunes (station/plan.js), the tunes written by the model (station/tune.js), the live
// track the player plays (station/player.js) and the tunes heard this session.

import { createStationPlan, tuneSeconds } from './plan.js';
import { composeTune } from './tune.js';
import { STATION_ROLES, StationTrack } from './player.js';
import { tuneArrangement } from './arrangement.js';
import { AI_PARTS } from '../ai/arrange.js';
import { seedToUint32 } from '../ai/sampling.js';
import { makeProgression } from '../music/progression.js';
import { moodFromText } from '../music/mood.js';
import { DEFAULT_SWING } from '../audio/swing.js'; // a tune without drums still swings

const HISTORY_LIMIT = 50;
const CACHE_LIMIT = 16; // whole tunes kept for exports and replays
const MAX_MINUTES = 240;
const QUOTE_EVERY = 2; // tunes between two quotes
const QUOTE_BAR = 1; // the quote begins this many bars into the intro

// A fresh seed for each visit: the first tune differs from one visit to the next.
export function randomSeed() {
  const values = new Uint32Array(1);
  globalThis.crypto.getRandomValues(values);
  return values[0] % 1000000;
}

// The listener's chords as a value (music/progression.js makeProgression): one read where it
// entered (ai/track.js readProgression) goes on as it is; text (a history entry, lofi.station) is
// read here, once, and throws naming a bad symbol; none is null.
function readChords(progression) {
  if (progression === null || progression === undefined) return null;
  if (typeof progression === 'object' && Array.isArray(progression.parsed)) return progression;
  const text = String(progression).trim();
  return text ? makeProgression(text) : null;
}

// What the station says it was made from (history, lofi.station, the kept tunes): the chords' text.
const chordText = (options) => options.progression?.text ?? null;

// The station plan's key for the listener's chords: {shift, mode} as read, or null (its own keys).
export function stationKey(progression) {
  return progression ? { shift: progression.shift, mode: progression.mode === 'minor' ? 'minor' : 'major' } : null;
}

// What a station is made from, checked: {seed, progression (the chords as read, readChords, or
// null), mood (a sentence, or {mode, bpm, drums}), drums (a pattern id, null for none, undefined:
// the listener's)}.
export function stationOptions({ seed, progression = null, mood = null, drums, start = 0 } = {}) {
  const chords = readChords(progression);
  const moodValue = typeof mood === 'string' && mood.trim() ? moodFromText(mood) : mood && typeof mood === 'object' ? mood : null;
  const first = Math.trunc(Number(start ?? 0));
  if (!Number.isFinite(first) || first < 0 || first > 100000) throw new Error('a station starts at tune 0 to 100000');
  return {
    seed: seedToUint32(seed ?? randomSeed()),
    progression: chords,
    mood: moodValue ? { mode: moodValue.mode ?? null, bpm: moodValue.bpm ?? null, drums: moodValue.drums, text: moodValue.text ?? null } : null,
    drums,
    start: first,
  };
}

// layers: () => the page's layers (audio/mix.js), made after the station.
export function createStation({ loader, layers, status, emit, ready }) {
  const heard = []; // the tunes heard this session, oldest first
  let live = null; // StationTrack while the station plays
  let liveOptions = null;
  let retiring = null; // {track, options}: the station before, until the new one's first bar
  let resample = null; // (settings) -> the live station writes its next tunes with them
  let preferred = {}; // the last settings given that way: a station started without any uses them
  const written = new Map(); // "station:index:options" -> a tune written (tuneResult), newest last
  const cacheKey = (options, index, sampling) => JSON.stringify([options.seed, index, chordText(options), options.mood?.mode ?? null, options.mood?.bpm ?? null, options.drums, sampling]);
  const remember = (key, result) => {
    written.delete(key);
    written.set(key, result);
    if (written.size > CACHE_LIMIT) written.delete(written.keys().next().value);
  };

  // The plan for checked options: the tunes' keys, tempos, drums and forms.
  function planFor(options) {
    const { progression } = options;
    const patterns = layers().media().drums.map((d) => d.id);
    const moodDrums = options.mood && options.mood.drums !== undefined ? options.mood.drums : undefined;
    const wanted = options.drums !== undefined ? options.drums : moodDrums !== undefined ? moodDrums : layers().choices().drums;
    const drums = wanted && patterns.includes(wanted) ? wanted : null;
    options.drums = drums; // resolved once, so a replay of any tune of this station hears the same drums
    return { plan: createStationPlan({ seed: options.seed, key: stationKey(progression), mood: options.mood, patterns, drums }), progression };
  }

  function composer({ plan, progression }, sampling, options) {
    return (index) => {
      const tune = plan.tune(index);
      const stream = composeTune(tune, { generator: loader.generator, vocab: loader.vocab(), sampling, progression, pattern: tune.drums ? layers().find('drums', tune.drums) : null });
      stream.sampling = { ...sampling };
      stream.promise.then((result) => remember(cacheKey(options, index, sampling), { ...result, station: options.seed }), () => {});
      return stream;
    };
  }

  // One tune, whole ({station, index, options: {progression, mood}}, as lofi.history() and the
  // kept tunes give it): the one heard, when it is still in memory, else written again.
  async function tune(entry = {}, settings = {}) {
    await ready;
    const options = stationOptions({ seed: entry.station ?? entry.seed, start: entry.index ?? 0, progression: entry.options?.progression ?? entry.progression ?? null, mood: entry.options?.mood ?? entry.mood ?? null, drums: entry.options?.drums });
    const sampling = entry.options?.sampling ?? samplingOf(settings);
    const made = planFor(options);
    const key = cacheKey(options, options.start, sampling);
    if (written.has(key)) return written.get(key);
    await loader.load(ready);
    if (!loader.isLeadSheet()) throw new Error(`the station needs a lead-sheet model; this one's encoding is "${loader.encoding()}"`);
    return composer(made, sampling, options)(options.start).promise.then((result) => ({ ...result, station: options.seed }));
  }

  // A tune as an arrangement for the offline render and the MIDI file.
  const arrangementOf = (result) => tuneArrangement(result, { swing: result.drums ? Number(layers().find('drums', result.drums)?.swing) || 0 : DEFAULT_SWING });

  // The sampling settings of the AI fold (temperature, top-k, top-p), as the model's defaults fill them.
  function samplingOf(settings = {}) {
    const defaults = loader.defaults?.() ?? {};
    const pick = (name) => settings[name] ?? defaults[name];
    return Object.fromEntries(['temperature', 'topK', 'topP'].map((k) => [k, pick(k)]).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  }

  const publicTune = (result, stationSeed) => {
    const { events: _events, ...rest } = result;
    return { ...structuredClone(rest), station: stationSeed };
  };

  // lofi.station(): the plan, composed, covering `minutes` (at least one tune).
  async function compose(given = {}) {
    const minutes = Number(given.minutes ?? 10);
    if (!(minutes > 0 && minutes <= MAX_MINUTES)) throw new Error(`minutes is more than 0 and at most ${MAX_MINUTES}`);
    const options = stationOptions(given);
    await loader.load(ready);
    if (!loader.isLeadSheet()) throw new Error(`the station needs a lead-sheet model; this one's encoding is "${loader.encoding()}"`);
    const made = planFor(options);
    const write = composer(made, samplingOf(given), options);
    const tunes = [];
    let seconds = 0;
    for (let index = options.start; seconds < minutes * 60; index++) {
      const result = await write(index).promise;
      tunes.push(publicTune(result, options.seed));
      seconds += tuneSeconds(made.plan.tune(index));
    }
    return { seed: options.seed, options: { progression: chordText(options), mood: options.mood, drums: options.drums }, minutes: seconds / 60, tunes };
  }

  // For the player: {arrangement, controller, firstNote}. settings: the sampling settings.
  // bpm: every tune at this tempo (the listener's tempo field, tests), or null: each tune's own.
  // quoteAt(ticks): a spoken quote at that Transport tick, if the listener has quotes on.
  async function start(given = {}, { settings = {}, bpm = null, quoteAt = null, playCalledAt = performance.now() } = {}) {
    const options = stationOptions(given);
    await loader.load(ready);
    if (!loader.isLeadSheet()) throw new Error(`the station needs a lead-sheet model; this one's encoding is "${loader.encoding()}"`);
    const made = planFor(options);
    let sampling = given.sampling ?? samplingOf(settings && Object.keys(settings).length ? settings : preferred);
    const write = composer(made, sampling, options);
    const first = write(options.start);
    const tune0 = first.tune;
    const controller = new StationTrack({
      first,
      next: write,
      swingOf: (id) => (id ? Number(layers().find('drums', id)?.swing) || 0 : DEFAULT_SWING),
      playCalledAt,
      bpm,
      onTune: (tune, stream, { ticks }) => {
        // Every second tune after the first opens with a quote over its intro's chords (a bar in).
        if (tune.index > options.start && (tune.index - options.start) % QUOTE_EVERY === 0) quoteAt?.(ticks + QUOTE_BAR * 4 * 192);
        const entry = { station: options.seed, index: tune.index, seed: tune.seed, key: tune.key.name, bpm: tune.bpm, bars: tune.bars, drums: tune.drums, form: tune.form.map((s) => s.name), options: { progression: chordText(options), mood: options.mood, drums: options.drums, sampling: stream.sampling }, at: Date.now() };
        heard.push(entry);
        if (heard.length > HISTORY_LIMIT) heard.shift();
        emit('tune', { ...entry });
      },
    });
    // A station taking over from another at the next bar: the one playing is still what is heard
    // until then (now()).
    retiring = live ? { track: live, options: liveOptions } : null;
    controller.options = options;
    live = controller;
    liveOptions = options;
    resample = (newSettings) => {
      sampling = samplingOf(newSettings);
      preferred = { ...newSettings };
      controller.rewriteAhead(composer(made, sampling, options));
      return { ...sampling };
    };
    const arrangement = {
      id: 'station',
      bpm: bpm || tune0.bpm,
      timeSignature: [4, 4],
      swing: 0,
      loopBars: null,
      drumPatterns: tune0.drums ? [tune0.drums] : [],
      laterDrumPatterns: layers().media().drums.map((d) => d.id).filter((id) => id !== tune0.drums),
      parts: [
        ...AI_PARTS.map(({ role, name, instrument }) => ({ name, instrument, role, events: [], attach: (context) => controller.attach(context, role) })),
        { name: 'station-drums', kind: 'drums', role: 'drums', events: [], muted: () => layers().choices().drums === null, attach: (context) => controller.attach(context, 'drums') },
      ],
    };
    const firstNote = first.firstEvent.then(async () => {
      controller.readyMs = performance.now() - playCalledAt;
      if (first.failed) {
        controller.stop();
        await first.promise;
      }
    });
    status.set('model', 'busy', `Writing tune ${options.start + 1} of the station (${tune0.key.name}, ${tune0.bpm} bpm)…`);
    first.promise.then(
      (r) => status.set('model', 'ok', `Tune ${r.index + 1} written: ${r.key}, ${r.bpm} bpm, ${r.sections.map((s) => s.name).join(' ')}`),
      (err) => !first.cancelled && status.set('model', 'error', `The station could not write its tune: ${err.message}`),
    );
    return { arrangement, controller, firstNote };
  }

  // {index, seed, key, bpm, section, bar, station} of the tune playing, or null.
  function now(ticks) {
    if (!live || live.stopped) return null;
    let here = live.at(ticks);
    let options = liveOptions;
    if (!here && retiring && !live.placed.some((e) => e.start <= ticks)) {
      here = retiring.track.at(ticks);
      options = retiring.options;
    }
    if (!here) return null;
    const { tune } = here;
    return { station: options.seed, index: tune.index, seed: tune.seed, key: tune.key.name, bpm: tune.bpm, drums: tune.drums, bars: tune.bars, section: here.section, bar: here.bar };
  }

  return {
    compose,
    start,
    tune,
    arrangementOf,
    now,
    roles: STATION_ROLES,
    live: () => (live && !live.stopped ? live : null),
    options: () => (liveOptions ? { ...liveOptions, progression: chordText(liveOptions) } : null),
    stopped: () => {
      live?.stop();
      live = null;
      retiring = null;
      resample = null;
    },
    history: () => heard.map((entry) => structuredClone(entry)),
    // New sampling settings (temperature, topK, topP) for the tunes written from now on: the next
    // tune, unless it is due within two bars. null when the station is not playing.
    setSampling: (settings = {}) => (live && !live.stopped && resample ? resample(settings) : null),
  };
}
