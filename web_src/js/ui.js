// Wires the form in index.html to window.lofi. Listeners are attached here, never inline,
// so the page can run under a strict Content-Security-Policy. Also: keyboard shortcuts, Media
// Session, the settings remembered in localStorage, quote captions and the ambience's scene.

import { bindPlayerExtras } from './controls.js';
import { LEADSHEET } from './music/theory.js';

const LEVEL_LABEL = { error: 'Error', warn: 'Note', busy: 'Working', ok: 'OK', info: 'Info' };

export function bindUi(lofi, status) {
  const $ = (id) => document.getElementById(id);
  const el = {
    drums: $('drums'),
    song: $('song'),
    aiSettings: $('ai-settings'),
    temperature: $('temperature'),
    length: $('length'),
    bars: $('bars'),
    seed: $('seed'),
    topK: $('top-k'),
    topP: $('top-p'),
    newSeed: $('new-seed'),
    generate: $('generate'),
    tokens: $('tokens'),
    play: $('play'),
    pause: $('pause'),
    stop: $('stop'),
    status: $('status'),
    messages: $('messages'),
  };

  let busy = false;
  let generatedKey = null; // settings of the solo currently held, to know when to regenerate

  // Every play/stop reports a status, so this also keeps the buttons right when a script
  // (or a test) drives window.lofi directly.
  status.subscribe(({ latest, layers }) => {
    syncControls();
    if (latest) {
      el.status.textContent = latest.text;
      el.status.dataset.level = latest.level;
    }
    el.messages.replaceChildren(
      ...[...layers].map(([layer, { level, text }]) => {
        const li = document.createElement('li');
        li.className = `message message-${level}`;
        const tag = document.createElement('span');
        tag.className = 'message-tag';
        tag.textContent = `${layer} · ${LEVEL_LABEL[level] ?? level}`;
        li.append(tag, ' ', text);
        return li;
      }),
    );
  });

  function settings() {
    return {
      temperature: Number(el.temperature.value),
      length: Number(el.length.value),
      bars: Number(el.bars?.value) || null, // a lead sheet's size; empty: whole passes of the chords
      seed: el.seed.value.trim() || '1',
      topK: Number(el.topK.value) || 0,
      topP: Number(el.topP.value) || 1,
      progression: $('progression')?.value.trim() || null, // the listener's chords (keepshare_ui.js)
    };
  }

  function syncControls() {
    const { playing, paused } = lofi.state();
    const ai = el.song.value === 'ai';
    el.aiSettings.hidden = !ai;
    el.play.disabled = busy;
    el.generate.disabled = busy;
    el.stop.disabled = !playing;
    el.pause.disabled = !playing;
    el.pause.textContent = paused ? 'Resume' : 'Pause';
    el.pause.setAttribute('aria-pressed', String(Boolean(paused)));
    el.play.textContent = playing ? 'Restart' : 'Play';
  }

  // Runs one user action with the controls locked; errors land in the status area.
  async function action(fn) {
    busy = true;
    syncControls();
    try {
      await fn();
    } catch (err) {
      // The API already reported layer errors; this catches anything else.
      if (!el.messages.querySelector('.message-error')) status.set('page', 'error', err.message);
    } finally {
      busy = false;
      syncControls();
    }
  }

  async function generate() {
    const s = settings();
    const tokens = await lofi.generate(s);
    generatedKey = JSON.stringify(s);
    el.tokens.textContent = tokens.join(' ');
  }

  // The AI solo streams: with new settings, play() asks for a new solo and its first note sounds
  // while the worker is still writing the rest (the tokens fill in as they come); with the settings
  // of the solo held, it replays that one.
  // at: 'now' (the Play button) or 'next-bar' (a song picked while one plays, see controls.js).
  async function play({ at = 'now' } = {}) {
    const song = el.song.value;
    const options = { song, ...extras.layerChoice(), bpm: Number($('tempo')?.value) || null, at };
    const s = settings();
    const key = JSON.stringify(s);
    if (song !== 'ai' || generatedKey === key) return lofi.play(options);
    el.tokens.textContent = '';
    let count = 0;
    // Once the whole solo is written, Play replays it: a lead sheet ends with its end token, a
    // "timed" solo (whose tokens may include one) after `length` tokens.
    const leadSheet = lofi.state().encoding === 'leadsheet';
    const onToken = (token) => {
      el.tokens.append(count ? ` ${token}` : token);
      count += 1;
      if (leadSheet ? token === LEADSHEET.tokens.END : count === s.length) generatedKey = key;
    };
    return lofi.play({ ...options, solo: { ...s, onToken } });
  }

  el.song.addEventListener('change', () => {
    syncControls();
    if (el.song.value === 'ai') lofi.loadModel().catch(() => {}); // errors are shown by status
  });
  el.generate.addEventListener('click', () => action(generate));
  el.play.addEventListener('click', () => action(() => play()));
  el.stop.addEventListener('click', () => action(() => lofi.stop()));
  const extras = bindPlayerExtras(lofi, status, {
    play: () => action(() => play()),
    stop: () => action(() => lofi.stop()),
    pauseToggle: () => action(async () => (lofi.state().paused ? lofi.resume() : lofi.pause())),
    switchSong: () => action(() => play({ at: 'next-bar' })),
    sync: () => syncControls(),
  });
  el.pause.addEventListener('click', () => action(async () => (lofi.state().paused ? lofi.resume() : lofi.pause())));
  el.newSeed.addEventListener('click', () => {
    el.seed.value = String(Math.floor(Math.random() * 100000));
  });

  // Fill the AI inputs from generation.json's defaults (the template has the contract's defaults).
  lofi.ready.then(() => {
    const defaults = lofi.defaults();
    if (defaults) {
      for (const [key, input] of [['temperature', el.temperature], ['length', el.length], ['seed', el.seed], ['topK', el.topK], ['topP', el.topP]]) {
        if (defaults[key] !== undefined) input.value = String(defaults[key]);
      }
    } else {
      const option = el.song.querySelector('option[value="ai"]');
      if (option) option.disabled = true;
      if (el.song.value === 'ai') el.song.selectedIndex = 0;
    }
    syncControls();
  });
  syncControls();
}
