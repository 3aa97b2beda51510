// The one line that says what plays ("AI tune in D minor, 78 bpm, rain on the window"; the radio's
// tune: "tune 3, D minor, 74 bpm — section B"), the bar while it plays and the sleep timer's time left, the problems the listener should see (errors and
// warnings, one line each), and the diagnostics fold (backend, vocabulary, offline copy, the full
// status log). What it says comes from lofi.state(): the player owns the state, this only shows it.

import { sleepWords } from './sleep.js';

const $ = (id) => document.getElementById(id);
const LEVEL_LABEL = { error: 'Error', warn: 'Note', busy: 'Working', ok: 'OK', info: 'Info' };
const SECTION_WORDS = { intro: 'the intro', outro: 'the ending' };

// A section of a tune in words: "section B", "the intro".
export const sectionWords = (name) => (name ? SECTION_WORDS[name] ?? `section ${name}` : '');

// A tune of the radio in words: "tune 3, D minor, 74 bpm".
export const tuneWords = (tune) => `tune ${tune.index + 1}, ${tune.key}, ${Math.round(tune.bpm)} bpm`;


export function bindNowLine(lofi, status, { song, busy }) {
  const el = { status: $('status'), position: $('position'), alerts: $('alerts'), messages: $('messages'), diagnostics: $('diagnostics') };

  const trackTitle = () => song.options[song.selectedIndex]?.textContent ?? '';
  const ambienceWords = (state) => {
    const id = state.layers?.ambience;
    const entry = id ? lofi.media().ambience.find((a) => a.id === id) : null;
    return entry ? entry.title.toLowerCase() : null;
  };

  // The AI tune's key: the key of the piece that sounds (its chords' until it is written).
  const aiKey = (state) => state.solo?.key ?? null;

  function describe(state) {
    if (state.song === 'station') {
      const tune = state.tune;
      if (!tune) return 'AI radio, the next tune is on its way';
      return `${tuneWords(tune)} — ${sectionWords(tune.section)}`;
    }
    const key = state.song === 'ai' ? aiKey(state) : null;
    const what = state.song === 'ai' ? `AI tune${key ? ` in ${key}` : ''}` : `“${songTitle(state.song)}”`;
    return [what, `${Math.round(state.bpm)} bpm`, ambienceWords(state)].filter(Boolean).join(', ');
  }
  const songTitle = (id) => lofi.songs().find((s) => s.id === id)?.title ?? id;

  function render() {
    const state = lofi.state();
    const doing = busy();
    let text;
    if (doing) text = doing;
    else if (state.playing) text = `${state.paused ? 'Paused' : state.volumes?.master === 0 ? 'Muted (M turns it back on)' : 'Playing'}: ${describe(state)}`;
    else if (song.value === 'station') text = 'Press Play for the AI radio: a new tune, then another, without end.';
    else if (song.value === 'ai') text = 'Press Play for a new AI tune.';
    else text = `Press Play for “${trackTitle()}”.`;
    if (el.status.textContent !== text) el.status.textContent = text;
    const bar = state.tune ? `bar ${state.tune.bar + 1} of ${state.tune.bars}` : state.playing ? `bar ${Math.floor(state.bar) + 1}` : '';
    const position = [bar, sleepWords(state.sleepTimer)].filter(Boolean).join(' · ');
    if (el.position.textContent !== position) el.position.textContent = position;
  }

  // The alerts: each problem that still holds (a part's latest message, an error or a warning),
  // once (one told inside another's words is that one), until its close button dismisses it.
  const dismissed = new Map(); // layer -> the text dismissed there
  let latestLayers = new Map();
  function renderAlerts() {
    const problems = [...latestLayers].filter(([layer, m]) => (m.level === 'error' || m.level === 'warn') && dismissed.get(layer) !== m.text);
    const shownOnce = problems.filter(([layer, m]) => !problems.some(([other, o]) => other !== layer && o.text !== m.text && o.text.includes(m.text)) && problems.findIndex(([, o]) => o.text === m.text) === problems.findIndex(([l]) => l === layer));
    const focused = el.alerts.contains(document.activeElement) ? [...el.alerts.querySelectorAll('button')].indexOf(document.activeElement) : -1;
    el.alerts.replaceChildren(
      ...shownOnce.map(([layer, m]) => {
        const li = item(m.level, m.text);
        li.dataset.text = m.text;
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'alert-close';
        close.textContent = '×';
        close.setAttribute('aria-label', `Dismiss: ${m.text}`);
        close.addEventListener('click', () => {
          // The alerts folded into this one go with it.
          for (const [other, o] of problems) if (other === layer || m.text.includes(o.text)) dismissed.set(other, o.text);
          renderAlerts();
        });
        li.append(close);
        return li;
      }),
    );
    // The keyboard stays in the list: on the next alert's close button, else the one before.
    if (focused >= 0) {
      const buttons = el.alerts.querySelectorAll('button');
      buttons[Math.min(focused, buttons.length - 1)]?.focus();
    }
  }

  status.subscribe(({ layers }) => {
    for (const [layer, text] of dismissed) if (layers.get(layer)?.text !== text) dismissed.delete(layer);
    latestLayers = layers;
    renderAlerts();
    el.messages.replaceChildren(
      ...[...layers].map(([layer, { level, text }]) => {
        const li = item(level, ` ${text}`);
        const tag = document.createElement('span');
        tag.className = 'message-tag';
        tag.textContent = `${layer} · ${LEVEL_LABEL[level] ?? level}`;
        li.prepend(tag);
        return li;
      }),
    );
    render();
  });
  lofi.on('state', render);
  lofi.on('tune', render);
  setInterval(render, 500);

  // The diagnostics are read when the fold opens.
  el.diagnostics?.addEventListener('toggle', () => {
    if (!el.diagnostics.open) return;
    const state = lofi.state();
    $('diag-backend').textContent = state.backend ?? 'not loaded yet (it loads as the page opens)';
    const vocab = $('diag-vocab');
    vocab.textContent = status.get('model')?.text ?? '–';
    if (state.modelLoaded) {
      // The model's own count, once it is loaded (loadModel() then only returns what it loaded).
      lofi.loadModel().then(({ vocabSize }) => vocabSize && (vocab.textContent = `${vocabSize} tokens`), () => {});
    }
    const offline = $('diag-offline');
    Promise.resolve(lofi.offline?.())
      .then((info) => {
        if (!info || !info.supported) offline.textContent = 'not available in this browser';
        else offline.textContent = info.controlled ? `ready (version ${info.version ?? '?'}, ${info.files ?? '?'} files)` : 'being saved for offline use';
      })
      .catch((err) => (offline.textContent = `unknown: ${err.message}`));
  });

  return { render };
}

function item(level, text) {
  const li = document.createElement('li');
  li.className = `message message-${level}`;
  li.append(text);
  return li;
}
