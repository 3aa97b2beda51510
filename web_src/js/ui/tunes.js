// The radio's tunes, in their fold: the last few heard this visit (each with "Keep"), the tunes kept
// on this device ("Play again", MIDI, WAV, "Forget"), and how long the listener has been listening.
// Everything shown comes from window.lofi (history(), keptTunes(), state()): the lists are drawn
// again when a tune begins and when the state changes, never kept here.

import { tuneWords } from './now.js';
import { runWithButton } from './button_action.js';

const $ = (id) => document.getElementById(id);
const RECENT = 8; // a short list: the tunes of the last half hour or so
const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

// How long a tune lasts (the radio's tunes are in 4/4).
const tuneLength = (tune) => clock((tune.bars * 4 * 60) / tune.bpm);
const sameTune = (a, b) => Number(a.station) === Number(b.station) && a.index === b.index && (a.options?.progression ?? null) === (b.options?.progression ?? null);

// Time listened, quietly: "under a minute", then "12 min", "1 h 12 min"; nothing before a note.
export function listeningWords(seconds) {
  if (!(seconds > 0)) return '';
  if (seconds < 60) return 'Listening for under a minute';
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return `Listening for ${hours ? `${hours} h ${minutes % 60} min` : `${minutes} min`}`;
}

export function bindTunes(lofi, status, { track, sound }) {
  const el = {
    listening: $('listening'),
    recent: $('recent-tunes'),
    recentEmpty: $('recent-empty'),
    kept: $('kept-tunes'),
    keptEmpty: $('kept-empty'),
    progress: $('tune-progress'),
    bar: $('tune-bar'),
    progressText: $('tune-progress-text'),
  };
  const kept = () => lofi.keptTunes?.() ?? [];

  const run = (button, layer, fn) => runWithButton(status, button, layer, fn);

  function button(text, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'quiet small';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => onClick(b));
    return b;
  }
  function line(text, className) {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  }

  function renderRecent() {
    const playing = lofi.state().tune;
    const keptList = kept();
    const tunes = lofi.history().slice(-RECENT).reverse(); // the newest first
    el.recent.replaceChildren(
      ...tunes.map((tune) => {
        const li = document.createElement('li');
        li.className = 'tune';
        const name = tuneWords(tune);
        const now = playing && Number(playing.station) === Number(tune.station) && playing.index === tune.index;
        li.append(line(`${name[0].toUpperCase()}${name.slice(1)} · ${tuneLength(tune)}`, 'tune-name'));
        if (now) li.append(line('playing now', 'tune-now'));
        const isKept = keptList.some((k) => sameTune(k, tune));
        const keep = button(isKept ? 'Kept' : 'Keep', `${isKept ? 'Kept' : 'Keep'} ${name}`, (b) =>
          run(b, 'keep', async () => {
            lofi.keepTune(tune);
            status.set('keep', 'ok', `Kept ${name}: it stays on this device, under Kept tunes.`);
            render();
          }),
        );
        keep.disabled = isKept || !lofi.keepTune;
        li.append(keep);
        return li;
      }),
    );
    el.recentEmpty.hidden = tunes.length > 0;
  }

  function renderKept() {
    const list = kept();
    el.kept.replaceChildren(
      ...list.map((tune) => {
        const li = document.createElement('li');
        li.className = 'tune';
        const name = `station ${tune.station}, ${tuneWords(tune)}`;
        li.append(line(`${name[0].toUpperCase()}${name.slice(1)} · ${tuneLength(tune)}`, 'tune-name'));
        const actions = document.createElement('span');
        actions.className = 'tune-actions';
        actions.append(
          button('Play again', `Play again: ${name}`, () => track.replayTune(tune)),
          button('MIDI', `Download ${name} as MIDI`, (b) =>
            run(b, 'download', async () => {
              const { filename, size } = await lofi.downloadMidi({ tune });
              status.set('download', 'ok', `Saved ${filename} (${size} bytes)`);
            }),
          ),
          button('WAV', `Download ${name} as audio (WAV)`, (b) => run(b, 'download', () => saveWav(tune))),
          button('Forget', `Forget ${name}`, (b) =>
            run(b, 'keep', async () => {
              lofi.forgetTune(tune.id);
              status.set('keep', 'ok', `Forgot ${name}.`);
              render();
            }),
          ),
        );
        li.append(actions);
        return li;
      }),
    );
    el.keptEmpty.hidden = list.length > 0;
  }

  // A whole tune rendered: the bar follows the render, the time counts up.
  async function saveWav(tune) {
    const started = performance.now();
    const tick = () => (el.progressText.textContent = `Rendering the tune… ${clock((performance.now() - started) / 1000)}`);
    tick();
    el.bar.removeAttribute('value');
    el.progress.hidden = false;
    const timer = setInterval(tick, 250);
    const onProgress = (fraction) => (el.bar.value = Math.max(el.bar.value || 0, fraction));
    try {
      const { filename, size, seconds } = await lofi.downloadWav({ ...sound.layerChoice(), tune, onProgress });
      status.set('download', 'ok', `Saved ${filename} (${seconds.toFixed(1)} s, ${(size / 1e6).toFixed(1)} MB)`);
    } finally {
      clearInterval(timer);
      el.progress.hidden = true;
    }
  }

  function renderListening() {
    const words = listeningWords(lofi.state().listenedSeconds);
    if (el.listening.textContent !== words) el.listening.textContent = words;
    el.listening.hidden = !words;
  }

  // The lists change when a tune begins or something is kept (both report a state); the
  // "playing now" mark moves with the state; the counter needs a light timer.
  let drawn = '';
  function render() {
    const state = lofi.state();
    const key = JSON.stringify([lofi.history().length, state.tune?.station, state.tune?.index, kept().map((k) => k.id)]);
    if (key !== drawn) {
      drawn = key;
      renderRecent();
      renderKept();
    }
    renderListening();
  }
  lofi.on('tune', render);
  lofi.on('state', render);
  setInterval(render, 1000); // the tune heard turns over a moment after its "tune" event
  lofi.ready.then(render);
  render();
  return { render };
}
