// The track choice and the transport: the AI tune first (a new tune, "Surprise me", calmer to
// wilder), the songs after it; one Play/Pause button that never restarts, and Stop. The AI's own
// settings live in the advanced fold, and every number is checked before it is used (fields.js).

import { LEADSHEET } from '../music/theory.js';
import { readNumber, readSeed, showFieldResult } from './fields.js';

const $ = (id) => document.getElementById(id);

export function bindTrack(lofi, status, { layerChoice, onBusy }) {
  const el = {
    song: $('song'),
    play: $('play'),
    stop: $('stop'),
    surprise: $('surprise'),
    wildness: $('wildness'),
    aiQuick: $('ai-quick'),
    aiSettings: $('ai-settings'),
    barsField: $('bars-field'),
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
  };

  let busy = null; // what the page is doing for the listener ("Writing a new tune…"), or null
  let generatedKey = null; // the settings of the tune held, to know when to write a new one
  const isAi = () => el.song.value === 'ai';

  function sync() {
    const { playing, paused } = lofi.state();
    const ai = isAi();
    el.aiSettings.hidden = !ai;
    el.aiQuick.hidden = !ai;
    if (el.barsField) el.barsField.hidden = !ai;
    el.play.disabled = Boolean(busy);
    el.surprise.disabled = Boolean(busy);
    el.generate.disabled = Boolean(busy);
    el.stop.disabled = !playing;
    el.play.textContent = playing && !paused ? 'Pause' : 'Play';
    el.play.classList.toggle('is-playing', Boolean(playing && !paused));
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
    if (isAi()) {
      results.push(
        ['temperature', showFieldResult(el.temperature, readNumber(el.temperature))],
        ['length', showFieldResult(el.length, readNumber(el.length))],
        ['bars', showFieldResult(el.bars, readNumber(el.bars, { optional: true }))],
        ['seed', showFieldResult(el.seed, readSeed(el.seed))],
        ['topK', showFieldResult(el.topK, readNumber(el.topK))],
        ['topP', showFieldResult(el.topP, readNumber(el.topP))],
      );
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
    return { bpm: value.tempo, solo: isAi() ? soloSettings(value) : null };
  }

  function soloSettings(value) {
    return {
      temperature: value.temperature,
      length: value.length,
      bars: value.bars, // a lead sheet's size; empty: whole passes of the chords
      seed: value.seed,
      topK: value.topK,
      topP: value.topP,
      progression: $('progression')?.value.trim() || null, // the listener's chords (chords.js)
    };
  }

  // The AI tune streams: with new settings, play() asks for a new one and its first note sounds
  // while the worker is still writing the rest; with the settings of the tune held, it replays it.
  // at: 'now', or 'next-bar' (another track, or a new tune, while one plays).
  async function play({ at = 'now' } = {}) {
    const ok = checked();
    if (!ok) return;
    const song = el.song.value;
    const options = { song, ...layerChoice(), bpm: ok.bpm, at };
    const s = ok.solo;
    const key = JSON.stringify(s);
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
    generatedKey = JSON.stringify(ok.solo);
    el.tokens.textContent = tokens.join(' ');
  }

  // Play, pause, resume: the one main button and Space. It never starts the track over.
  function togglePlay() {
    const { playing, paused } = lofi.state();
    if (!playing) return action(isAi() ? 'Writing a new tune…' : 'Starting…', () => play());
    return action(null, async () => (paused ? lofi.resume() : lofi.pause()));
  }
  const stop = () => action(null, () => lofi.stop());

  function newSeed() {
    el.seed.value = String(Math.floor(Math.random() * 100000));
  }
  // A new tune: a fresh seed, heard at once (or from the next bar line when one plays).
  function surprise() {
    el.song.value = 'ai';
    el.song.dispatchEvent(new Event('change'));
    newSeed();
    return action('Writing a new tune…', () => play({ at: lofi.state().playing ? 'next-bar' : 'now' }));
  }

  // Calmer to wilder is the temperature, shown as a slider; the exact value is in the fold.
  el.wildness.addEventListener('input', () => {
    el.temperature.value = el.wildness.value;
    showFieldResult(el.temperature, readNumber(el.temperature));
  });
  el.temperature.addEventListener('input', () => {
    const r = showFieldResult(el.temperature, readNumber(el.temperature));
    if (r.ok) el.wildness.value = String(Math.min(Number(el.wildness.max), r.value));
  });
  for (const input of [el.length, el.topK, el.topP]) input.addEventListener('change', () => showFieldResult(input, readNumber(input)));
  el.bars.addEventListener('change', () => showFieldResult(el.bars, readNumber(el.bars, { optional: true })));
  el.seed.addEventListener('change', () => showFieldResult(el.seed, readSeed(el.seed)));

  // An AI setting (or the chords) changed while the AI tune plays: the music follows from the next
  // bar line, so what is heard is what the fields, and a share link made now, say.
  const aiPlaying = () => isAi() && lofi.state().song === 'ai';
  const follow = () => aiPlaying() && switchTrack();
  for (const input of [el.temperature, el.wildness, el.length, el.bars, el.seed, el.topK, el.topP, $('progression')]) input?.addEventListener('change', follow);

  el.song.addEventListener('change', () => {
    sync();
    if (isAi()) lofi.loadModel().catch(() => {}); // errors are shown by status
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
    } else {
      const option = el.song.querySelector('option[value="ai"]');
      if (option) option.disabled = true;
      if (isAi()) el.song.selectedIndex = [...el.song.options].findIndex((o) => !o.disabled);
    }
    sync();
  });
  sync();

  // Another track (or a new AI tune) while one plays takes over at the next bar line.
  function switchTrack() {
    return action(isAi() ? 'Writing a new tune…' : 'Starting…', () => play({ at: 'next-bar' }));
  }

  return {
    sync,
    togglePlay,
    stop,
    switchTrack,
    busy: () => busy,
  };
}
