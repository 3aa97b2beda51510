// The track choice and the transport: the AI radio first (tune after tune without end; "Surprise
// me" moves on to the next tune, calmer to wilder sets how the tunes written next are sampled), then
// one AI tune on repeat, then the songs; one Play/Pause button that never restarts, and Stop. The
// AI's own settings live in the advanced fold (the radio's: its station seed and the sampling), and
// every number is checked before it is used (fields.js).

import { LEADSHEET } from '../music/theory.js';
import { readNumber, readSeed, showFieldResult } from './fields.js';
import { currentMood } from './chords.js';

const $ = (id) => document.getElementById(id);

const STATION = 'station';

// The calmer-to-wilder slider's value in words, for screen readers ("calmer, temperature 0.6").
export function wildnessWords(value) {
  const word = value < 0.95 ? 'calmer' : value > 1.05 ? 'wilder' : 'in between';
  return `${word}, temperature ${Math.round(value * 100) / 100}`;
}
const SKIP_WAIT_MS = 6000; // a bar at the slowest tempo, and then some: the next tune has begun

// The track's controls once bound, for the parts of the page that play a tune of the radio (a
// kept tune, a shared link: keep_panel.js, tunes.js).
let bound = null;
export const trackControls = () => bound;

export function bindTrack(lofi, status, { layerChoice, onBusy, mood = currentMood }) {
  const el = {
    song: $('song'),
    play: $('play'),
    stop: $('stop'),
    surprise: $('surprise'),
    wildness: $('wildness'),
    aiSettings: $('ai-settings'),
    barsField: $('bars-field'),
    lengthField: $('length-field'),
    seedField: $('seed-field'),
    oneTune: $('one-tune-extras'),
    stationField: $('station-field'),
    stationSeed: $('station-seed'),
    stationPlay: $('station-play'),
    stationNow: $('station-now'),
    wildnessNote: $('wildness-note'),
    temperature: $('temperature'),
    length: $('length'),
    bars: $('bars'),
    seed: $('seed'),
    topK: $('top-k'),
    topP: $('top-p'),
    tempo: $('tempo'),
    newSeed: $('new-seed'),
    generate: $('generate'),
    tokens: $('tokens'),
    progression: $('progression'),
  };

  let busy = null; // what the page is doing for the listener ("Writing a new tune…"), or null
  let generatedKey = null; // the settings of the tune held, to know when to write a new one
  // A tune's settings with the chords it is written over: the progression the API holds and
  // publishes (chords.js sets it as the field is read), not the field's text read again.
  let heldChords = null;
  lofi.on('state', (state) => (heldChords = state.progression ?? null));
  const tuneKey = (solo) => JSON.stringify({ ...solo, progression: heldChords });
  const isAi = () => el.song.value === 'ai';
  const isStation = () => el.song.value === STATION;
  const usesModel = () => isAi() || isStation();
  // A shared link's station: its tune is where the next Play of that station begins (once).
  let sharedStart = null; // {seed, start} or null
  let stationSampling = null; // the sampling the playing station writes with (JSON), for a share link
  const stationHelp = el.stationNow.textContent;

  function sync() {
    const { playing, paused } = lofi.state();
    const ai = isAi();
    el.aiSettings.hidden = !usesModel();
    // Surprise me and calmer to wilder are always there: on a song, Surprise me starts the radio,
    // and the slider sets how the radio's tunes will sound.
    if (!usesModel()) el.wildnessNote.hidden = true;
    // The radio's settings are its station and the sampling; one tune's are its own seed and size.
    for (const part of [el.barsField, el.lengthField, el.seedField, el.oneTune]) if (part) part.hidden = !ai;
    el.stationField.hidden = !isStation();
    el.play.disabled = Boolean(busy);
    el.surprise.disabled = Boolean(busy);
    el.generate.disabled = Boolean(busy);
    el.stationPlay.disabled = Boolean(busy);
    const seed = lofi.state().tune?.station ?? lofi.state().station?.seed ?? null;
    const said = seed === null ? stationHelp : `Playing station ${seed}. ${stationHelp}`;
    if (el.stationNow.textContent !== said) el.stationNow.textContent = said;
    el.stop.disabled = !playing;
    el.play.textContent = playing && !paused ? 'Pause' : 'Play';
    el.play.classList.toggle('is-playing', Boolean(playing && !paused));
    const wildness = wildnessWords(Number(el.wildness.value));
    if (el.wildness.getAttribute('aria-valuetext') !== wildness) el.wildness.setAttribute('aria-valuetext', wildness);
    onBusy?.(busy);
  }

  // Runs one listener action with the buttons locked; errors land in the status area.
  async function action(doing, fn) {
    busy = doing;
    sync();
    try {
      await fn();
    } catch (err) {
      // The API already reported its own errors; this catches anything else.
      if (!document.querySelector('#messages .message-error')) status.set('page', 'error', err.message);
    } finally {
      busy = null;
      sync();
    }
  }

  // The numbers a play would use, each checked; a bad one is named under its field and in the
  // status, its fold opened, and nothing plays.
  function checked() {
    const results = [['tempo', showFieldResult(el.tempo, readNumber(el.tempo, { optional: true }))]];
    if (isStation()) {
      results.push(
        ['temperature', showFieldResult(el.temperature, readNumber(el.temperature))],
        ['topK', showFieldResult(el.topK, readNumber(el.topK))],
        ['topP', showFieldResult(el.topP, readNumber(el.topP))],
      );
      if (el.stationSeed.value.trim()) results.push(['stationSeed', showFieldResult(el.stationSeed, readSeed(el.stationSeed, 'Station seed'))]);
      else showFieldResult(el.stationSeed, { ok: true, message: '' });
    }
    if (isAi()) {
      results.push(
        ['temperature', showFieldResult(el.temperature, readNumber(el.temperature))],
        ['length', showFieldResult(el.length, readNumber(el.length))],
        ['bars', showFieldResult(el.bars, readNumber(el.bars, { optional: true }))],
        ['seed', showFieldResult(el.seed, readSeed(el.seed))],
        ['topK', showFieldResult(el.topK, readNumber(el.topK))],
        ['topP', showFieldResult(el.topP, readNumber(el.topP))],
      );
      // Chords the field could not read (chords.js says why under it) are not played over.
      if (el.progression?.getAttribute('aria-invalid') === 'true') {
        results.push(['progression', { ok: false, message: `Chords not used: ${$('progression-message')?.textContent ?? el.progression.value}.` }]);
      }
    }
    const bad = results.filter(([, r]) => !r.ok);
    if (bad.length) {
      for (const [name] of bad) {
        const input = name === 'topK' ? el.topK : name === 'topP' ? el.topP : el[name];
        const fold = input.closest('details');
        if (fold) fold.open = true;
      }
      status.set('settings', 'warn', `Not played: ${bad.map(([, r]) => r.message).join(' ')}`);
      return null;
    }
    if (status.get('settings')) status.set('settings', 'ok', 'Settings fine.');
    const value = Object.fromEntries(results.map(([name, r]) => [name, r.value]));
    if (isStation()) {
      const solo = { temperature: value.temperature, topK: value.topK, topP: value.topP };
      return { bpm: value.tempo, solo, stationSeed: value.stationSeed ?? null };
    }
    return { bpm: value.tempo, solo: isAi() ? soloSettings(value) : null };
  }

  // The radio: the typed station (else a new one), from a shared link's tune when it is that
  // station's, the listener's mood; the chords are the ones set (chords.js), as for one AI tune.
  function stationChoice(typed) {
    const station = { mood: mood() };
    if (typed !== null) station.seed = Number(typed);
    if (sharedStart && typed !== null && sharedStart.seed === Number(typed)) station.start = sharedStart.start;
    sharedStart = null;
    return station;
  }
  function playStation({ at, solo, station }) {
    stationSampling = JSON.stringify(solo);
    return lofi.play({ song: STATION, ...layerChoice(), solo, station, at });
  }

  function soloSettings(value) {
    return {
      temperature: value.temperature,
      length: value.length,
      bars: value.bars, // a lead sheet's size; empty: whole passes of the chords
      seed: value.seed,
      topK: value.topK,
      topP: value.topP,
      // No chords here: the tune is written over the progression the API holds (chords.js).
    };
  }

  // The AI tune streams: with new settings, play() asks for a new one and its first note sounds
  // while the worker is still writing the rest; with the settings of the tune held, it replays it.
  // at: 'now', or 'next-bar' (another track, or a new tune, while one plays).
  async function play({ at = 'now' } = {}) {
    const ok = checked();
    if (!ok) return;
    const song = el.song.value;
    if (song === STATION) return playStation({ at, solo: ok.solo, station: stationChoice(ok.stationSeed) });
    const options = { song, ...layerChoice(), bpm: ok.bpm, at };
    const s = ok.solo;
    const key = tuneKey(s);
    if (song !== 'ai' || generatedKey === key) return lofi.play(options);
    el.tokens.textContent = '';
    let count = 0;
    // Once the whole tune is written, Play replays it: a lead sheet ends with its end token, a
    // "timed" tune after `length` tokens.
    const leadSheet = lofi.state().encoding === 'leadsheet';
    const onToken = (token) => {
      el.tokens.append(count ? ` ${token}` : token);
      count += 1;
      if (leadSheet ? token === LEADSHEET.tokens.END : count === s.length) generatedKey = key;
    };
    return lofi.play({ ...options, solo: { ...s, onToken } });
  }

  async function generate() {
    const ok = checked();
    if (!ok) return;
    const tokens = await lofi.generate(ok.solo);
    generatedKey = tuneKey(ok.solo);
    el.tokens.textContent = tokens.join(' ');
  }

  // Play, pause, resume: the one main button and Space. It never starts the track over.
  function togglePlay() {
    const { playing, paused } = lofi.state();
    if (!playing) return action(busyWords(), () => play());
    return action(null, async () => (paused ? lofi.resume() : lofi.pause()));
  }
  const stop = () => action(null, () => lofi.stop());

  function newSeed() {
    el.seed.value = String(Math.floor(Math.random() * 100000));
  }
  const busyWords = () => (isStation() ? 'Writing the first tune…' : isAi() ? 'Writing a new tune…' : 'Starting…');
  const stationPlaying = () => lofi.state().song === STATION && Boolean(lofi.state().tune ?? lofi.state().station);

  // One AI tune: a new one with a fresh seed, heard at once (or from the next bar line when one
  // plays). The radio: its next tune from the next bar line (written with the slider's sampling
  // when it moved since the station began), or the radio itself when it is not playing.
  function surprise() {
    if (isAi()) {
      newSeed();
      return action('Writing a new tune…', () => play({ at: lofi.state().playing ? 'next-bar' : 'now' }));
    }
    if (stationPlaying()) return action('The next tune, from the next bar…', nextTune);
    if (!isStation()) {
      el.song.value = STATION;
      // While a song plays, the change itself takes the radio in at the next bar (sound.js).
      el.song.dispatchEvent(new Event('change'));
      if (lofi.state().playing) return undefined;
    }
    return action(busyWords(), () => play());
  }

  async function nextTune() {
    const turned = waitForTune(lofi.state().tune?.index ?? null);
    if ((await lofi.skip()) === null) return;
    if (lofi.state().paused) await lofi.resume();
    await turned;
  }

  // The radio playing writes its tunes from now on with new sampling settings (the next tune,
  // unless it is due within two bars): true when it took them.
  function retune() {
    if (!isStation() || !stationPlaying()) return false;
    const ok = checked();
    if (!ok || !lofi.stationSettings?.(ok.solo)) return false;
    stationSampling = JSON.stringify(ok.solo);
    return true;
  }
  // New chords (or a mood) while the radio plays: the same station goes on with its next tune,
  // written over them, from the next bar.
  function rechord() {
    if (!isStation() || !stationPlaying()) return undefined;
    const ok = checked();
    if (!ok) return undefined;
    return action('Your chords, from the next tune…', () => playStation({ at: 'next-bar', solo: ok.solo, station: { mood: mood() } }));
  }
  // Resolves once a tune other than `index` plays (or after a while: the buttons come back anyway).
  function waitForTune(index) {
    return new Promise((resolve) => {
      const done = () => {
        off();
        clearTimeout(timer);
        resolve();
      };
      const off = lofi.on('tune', (entry) => entry.index !== index && done());
      const timer = setTimeout(done, SKIP_WAIT_MS);
    });
  }

  // Calmer to wilder is the temperature, shown as a slider; the exact value is in the fold. The
  // radio writes its tunes ahead: a new setting is heard from the next tune it writes.
  el.wildness.addEventListener('input', () => {
    el.temperature.value = el.wildness.value;
    sync();
    showFieldResult(el.temperature, readNumber(el.temperature));
  });
  const samplingInputs = [el.temperature, el.wildness, el.topK, el.topP];
  for (const input of samplingInputs) {
    input.addEventListener('change', () => {
      if (!isStation()) return;
      const retuned = retune();
      if (input !== el.wildness) return;
      const word = Number(el.wildness.value) < 1 ? 'Calmer' : 'Wilder';
      el.wildnessNote.textContent = retuned ? `${word} from the next tune on.` : `${word} tunes from the next Play.`;
      el.wildnessNote.hidden = false;
    });
  }
  $('progression')?.addEventListener('change', rechord);
  el.temperature.addEventListener('input', () => {
    const r = showFieldResult(el.temperature, readNumber(el.temperature));
    if (r.ok) el.wildness.value = String(Math.min(Number(el.wildness.max), r.value));
    sync();
  });
  for (const input of [el.length, el.topK, el.topP]) input.addEventListener('change', () => showFieldResult(input, readNumber(input)));
  // "Not played" because of a field holds only until the fields are fixed: each change checks again.
  for (const input of [el.tempo, el.temperature, el.length, el.bars, el.seed, el.topK, el.topP, el.stationSeed]) {
    input.addEventListener('change', () => status.get('settings')?.level === 'warn' && checked());
  }
  el.bars.addEventListener('change', () => showFieldResult(el.bars, readNumber(el.bars, { optional: true })));
  el.seed.addEventListener('change', () => showFieldResult(el.seed, readSeed(el.seed)));

  // An AI setting (or the chords) changed while the AI tune plays: the music follows from the next
  // bar line, so what is heard is what the fields, and a share link made now, say.
  const aiPlaying = () => isAi() && lofi.state().song === 'ai';
  const follow = () => aiPlaying() && switchTrack();
  for (const input of [el.temperature, el.wildness, el.length, el.bars, el.seed, el.topK, el.topP, $('progression')]) input?.addEventListener('change', follow);

  el.song.addEventListener('change', () => {
    sync();
    if (usesModel()) lofi.loadModel().catch(() => {}); // errors are shown by status
  });
  // A station by its seed: from its first tune (or a shared link's tune), at once or from the next bar.
  el.stationPlay.addEventListener('click', () => {
    if (!isStation()) {
      el.song.value = STATION;
      sync();
    }
    if (!el.stationSeed.value.trim()) newStationSeed();
    return action(busyWords(), () => play({ at: lofi.state().playing ? 'next-bar' : 'now' }));
  });
  el.stationSeed.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    el.stationPlay.click();
  });
  el.stationSeed.addEventListener('change', () => {
    if (el.stationSeed.value.trim()) showFieldResult(el.stationSeed, readSeed(el.stationSeed, 'Station seed'));
    else showFieldResult(el.stationSeed, { ok: true, message: '' });
  });
  function newStationSeed() {
    el.stationSeed.value = String(Math.floor(Math.random() * 1000000));
  }
  lofi.on('tune', () => sync());
  // The track that plays, whoever started it (a script, a media key): the list shows it. Set only
  // when the published track changes, so a choice waiting for its next bar is not undone.
  let shownSong = null;
  lofi.on('state', (state) => {
    const playing = state.playing ? state.song : null;
    if (playing === shownSong) return;
    shownSong = playing;
    if (playing && el.song.value !== playing && [...el.song.options].some((o) => o.value === playing && !o.disabled)) {
      el.song.value = playing;
      sync();
    }
  });
  el.play.addEventListener('click', togglePlay);
  el.stop.addEventListener('click', stop);
  el.surprise.addEventListener('click', surprise);
  el.generate.addEventListener('click', () => (aiPlaying() ? switchTrack() : action('Writing a new tune…', generate)));
  el.newSeed.addEventListener('click', () => {
    newSeed();
    follow();
  });

  // Fill the AI inputs from generation.json's defaults (the template has the contract's defaults).
  lofi.ready.then(() => {
    const defaults = lofi.defaults();
    if (defaults) {
      for (const [key, input] of [['temperature', el.temperature], ['length', el.length], ['seed', el.seed], ['topK', el.topK], ['topP', el.topP]]) {
        if (defaults[key] !== undefined) input.value = String(defaults[key]);
      }
      el.wildness.value = String(Math.min(Number(el.wildness.max), Number(el.temperature.value) || 0));
      // The radio writes lead sheets: a model of another encoding plays one AI tune instead.
      if (lofi.state().encoding !== 'leadsheet') {
        const option = el.song.querySelector(`option[value="${STATION}"]`);
        if (option) option.disabled = true;
        if (el.song.value === STATION) el.song.value = 'ai';
      }
    } else {
      for (const value of ['ai', STATION]) {
        const option = el.song.querySelector(`option[value="${value}"]`);
        if (option) option.disabled = true;
      }
      if (usesModel()) el.song.selectedIndex = [...el.song.options].findIndex((o) => !o.disabled);
    }
    sync();
  });
  sync();

  // Another track (or a new AI tune) while one plays takes over at the next bar line.
  function switchTrack() {
    return action(busyWords(), () => play({ at: 'next-bar' }));
  }

  // A station and a tune chosen for the listener (a share link, a kept tune): the track list and
  // the seed field show it, and the next Play (or this one) starts there.
  function chooseStation({ seed, start = 0 }) {
    el.song.value = STATION;
    el.stationSeed.value = String(seed);
    showFieldResult(el.stationSeed, { ok: true, message: '' });
    sharedStart = { seed: Number(seed), start };
    sync();
  }
  // A kept or recent tune again, exactly: its station from that tune, with the options it was
  // written with, at once or from the next bar.
  function replayTune(entry) {
    el.song.value = STATION;
    sync();
    const ok = checked();
    if (!ok) return undefined;
    const station = { seed: entry.station, start: entry.index, progression: entry.options?.progression ?? null, mood: entry.options?.mood ?? null };
    return action('Writing that tune again…', () => playStation({ at: lofi.state().playing ? 'next-bar' : 'now', solo: entry.options?.sampling ?? ok.solo, station }));
  }

  bound = {
    sync,
    togglePlay,
    stop,
    switchTrack,
    chooseStation,
    replayTune,
    // The sampling the playing station's tunes are written with ({temperature, topK, topP}), or null.
    stationSampling: () => (stationSampling && lofi.state().song === STATION ? JSON.parse(stationSampling) : null),
    // The next tune of the radio (media keys), as Surprise me does while it plays.
    nextTune: () => (stationPlaying() ? action('The next tune, from the next bar…', nextTune) : undefined),
    busy: () => busy,
  };
  return bound;
}
