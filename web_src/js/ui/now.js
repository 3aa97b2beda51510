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


export function bindNowLine(lofi, status, { song, selects, busy }) {
  const el = { status: $('status'), position: $('position'), alerts: $('alerts'), messages: $('messages'), diagnostics: $('diagnostics') };
  let key = null; // the AI tune's key, once known
  let keyFor = null; // the tune (its tokens' count and first tokens) that key belongs to

  const trackTitle = () => song.options[song.selectedIndex]?.textContent ?? '';
  const ambienceWords = () => {
    const select = selects.ambience;
    return select.value ? select.options[select.selectedIndex].textContent.toLowerCase() : null;
  };

  // The AI tune's key: the listener's chords' key, else the key the model's piece was written in.
  function aiKey() {
    const chords = lofi.progression?.();
    if (chords?.key) return chords.key;
    const solo = lofi.state().solo;
    const id = solo ? `${solo.pass}:${solo.tokens}:${solo.generating}` : null;
    if (id !== keyFor && !solo?.generating) {
      keyFor = id;
      key = lofi.lastSolo?.()?.piece?.key ?? null;
    }
    return key;
  }

  function describe(state) {
    if (state.song === 'station') {
      const tune = state.tune;
      if (!tune) return 'AI radio, the next tune is on its way';
      return `${tuneWords(tune)} — ${sectionWords(tune.section)}`;
    }
    const ai = state.song === 'ai';
    const what = ai ? `AI tune${aiKey() ? ` in ${aiKey()}` : ''}` : `“${songTitle(state.song)}”`;
    return [what, `${Math.round(state.bpm)} bpm`, ambienceWords()].filter(Boolean).join(', ');
  }
  const songTitle = (id) => lofi.songs().find((s) => s.id === id)?.title ?? id;

  function render() {
    const state = lofi.state();
    const doing = busy();
    let text;
    if (doing) text = doing;
    else if (state.playing) text = `${state.paused ? 'Paused' : 'Playing'}: ${describe(state)}`;
    else if (song.value === 'station') text = 'Press Play for the AI radio: a new tune, then another, without end.';
    else if (song.value === 'ai') text = 'Press Play for a new AI tune.';
    else text = `Press Play for “${trackTitle()}”.`;
    if (el.status.textContent !== text) el.status.textContent = text;
    const bar = state.tune ? `bar ${state.tune.bar + 1} of ${state.tune.bars}` : state.playing ? `bar ${Math.floor(state.bar) + 1}` : '';
    const position = [bar, sleepWords(state.sleepTimer)].filter(Boolean).join(' · ');
    if (el.position.textContent !== position) el.position.textContent = position;
  }

  status.subscribe(({ layers }) => {
    const problems = [...layers].filter(([, m]) => m.level === 'error' || m.level === 'warn');
    el.alerts.replaceChildren(...problems.map(([, m]) => item(m.level, m.text)));
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
    $('diag-backend').textContent = state.backend ?? 'not loaded yet (it loads with the first AI tune)';
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
