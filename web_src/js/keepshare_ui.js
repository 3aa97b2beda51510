// The page's controls for issue 7, on top of window.lofi: the chord input with its inline message,
// the mood sentence, the tempo, MIDI and WAV downloads, live recording, the share link (and opening
// one), and the "Update" button when a new build of the site is waiting. Listeners only, no inline
// script (the page runs under a strict Content-Security-Policy).

import { download } from './keep.js';

const AI_FIELDS = { seed: 'seed', temperature: 'temperature', length: 'length', bars: 'bars', topK: 'top-k', topP: 'top-p' };

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// What the AI does with the chords typed in, in plain words. A lead-sheet model writes its melody
// over them (they repeat to fill the piece: `pieceBars`); a "timed" model starts its solo from them
// (it hears them in C major / A minor) while they loop on their own bars under it.
export function progressionMessage(info, encoding, pieceBars = info.soloLoopBars) {
  const bars = `${plural(info.bars, 'bar')} in ${info.key}`;
  if (encoding === 'leadsheet') return `${bars}. The AI writes a melody over your chords: a piece of ${plural(pieceBars, 'bar')}.`;
  const moved = info.shift ? ` (heard in C major / A minor as ${info.modelChords.join(' ')}, its solo moved back to your key)` : '';
  return `${bars}, looping under the solo every ${plural(info.bars, 'bar')}. The AI starts its solo from your chords${moved}.`;
}

export function bindKeepShare(lofi, status) {
  const $ = (id) => document.getElementById(id);
  const el = {
    song: $('song'),
    tempo: $('tempo'),
    progression: $('progression'),
    progressionMessage: $('progression-message'),
    bars: $('bars'),
    moodText: $('mood-text'),
    moodApply: $('mood-apply'),
    moodReason: $('mood-reason'),
    midi: $('download-midi'),
    wav: $('download-wav'),
    record: $('record'),
    share: $('share'),
    shareUrl: $('share-url'),
    update: $('update'),
  };
  if (!el.progression) return;
  const selects = { drums: $('drums'), ambience: $('ambience'), quote: $('quote') };

  // An action with its button disabled; errors go to the status area.
  async function run(button, layer, fn) {
    if (button) button.disabled = true;
    try {
      await fn();
    } catch (err) {
      status.set(layer, 'error', err.message);
    } finally {
      if (button) button.disabled = false;
    }
  }

  // ---- the chord input: checked as it is typed; a bad symbol is named under the field ----------
  function checkProgression() {
    const text = el.progression.value.trim();
    el.progressionMessage.classList.remove('inline-error');
    el.progression.removeAttribute('aria-invalid');
    if (!text) {
      el.progressionMessage.textContent = '';
      return true;
    }
    const result = lofi.parseProgression(text);
    if (!result.ok) {
      el.progressionMessage.textContent = result.errors.map((e) => e.message).join('; ');
      el.progressionMessage.classList.add('inline-error');
      el.progression.setAttribute('aria-invalid', 'true');
      return false;
    }
    el.progressionMessage.textContent = progressionMessage(result, lofi.state().encoding, Number(el.bars?.value) || undefined);
    return true;
  }
  el.progression.addEventListener('input', checkProgression);
  el.bars?.addEventListener('input', checkProgression);

  el.tempo?.addEventListener('change', () => {
    try {
      lofi.setTempo(el.tempo.value.trim() || null);
    } catch (err) {
      status.set('tempo', 'error', err.message);
    }
  });

  // ---- mood from a sentence: fills the chords and the tempo, says why ---------------------------
  el.moodApply?.addEventListener('click', () =>
    run(el.moodApply, 'mood', async () => {
      const choice = await lofi.applyMood(el.moodText.value);
      el.progression.value = choice.progression;
      el.tempo.value = String(choice.bpm);
      el.moodReason.textContent = choice.reason;
      if (el.song.value !== 'ai' && [...el.song.options].some((o) => o.value === 'ai' && !o.disabled)) {
        el.song.value = 'ai';
        el.song.dispatchEvent(new Event('change'));
      }
      checkProgression();
    }),
  );
  el.moodText?.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      el.moodApply.click();
    }
  });

  // ---- keep it ----------------------------------------------------------------------------------
  const layerChoice = () => Object.fromEntries(Object.entries(selects).map(([layer, s]) => [layer, s?.value || null]));
  el.midi?.addEventListener('click', () =>
    run(el.midi, 'download', async () => {
      const { filename, size } = await lofi.downloadMidi({ song: el.song.value });
      status.set('download', 'ok', `Saved ${filename} (${size} bytes)`);
    }),
  );
  el.wav?.addEventListener('click', () =>
    run(el.wav, 'download', async () => {
      status.set('download', 'busy', 'Rendering the track to audio…');
      const { filename, size, seconds } = await lofi.downloadWav({ song: el.song.value, ...layerChoice() });
      status.set('download', 'ok', `Saved ${filename} (${seconds.toFixed(1)} s, ${(size / 1e6).toFixed(1)} MB)`);
    }),
  );
  el.record?.addEventListener('click', () =>
    run(el.record, 'recording', async () => {
      if (lofi.state().recording) {
        const result = await lofi.stopRecording();
        download(result.blob, result.filename);
      } else {
        await lofi.startRecording();
      }
      const on = lofi.state().recording;
      el.record.textContent = on ? 'Stop recording' : 'Record';
      el.record.setAttribute('aria-pressed', String(on));
    }),
  );

  // ---- share it: the form's state in the URL ----------------------------------------------------
  function formState() {
    const song = el.song.value;
    const state = { song, ...layerChoice(), bpm: Number(el.tempo?.value) || null, progression: el.progression.value.trim() || null };
    if (song === 'ai') {
      state.solo = {};
      for (const [key, id] of Object.entries(AI_FIELDS)) {
        const value = $(id)?.value.trim();
        if (value) state.solo[key] = key === 'seed' ? value : Number(value);
      }
    }
    return state;
  }
  el.share?.addEventListener('click', () =>
    run(el.share, 'share', async () => {
      if (!checkProgression()) throw new Error('fix the chords before sharing');
      const url = lofi.shareUrl(formState());
      history.replaceState(null, '', url);
      el.shareUrl.textContent = url;
      try {
        await navigator.clipboard.writeText(url);
        status.set('share', 'ok', 'Share link copied: opening it plays the same music.');
      } catch {
        status.set('share', 'ok', 'Share link in the address bar and below: opening it plays the same music.');
      }
    }),
  );

  // Opening a shared link: the form takes its state (after the other controls have restored theirs).
  const shared = lofi.readShareUrl();
  lofi.ready.then(async () => {
    if (!shared) return;
    if ([...el.song.options].some((o) => o.value === shared.song && !o.disabled)) el.song.value = shared.song;
    for (const [layer, select] of Object.entries(selects)) {
      if (select && shared[layer] !== undefined) {
        const wanted = shared[layer] ?? '';
        if ([...select.options].some((o) => o.value === wanted)) select.value = wanted;
        await lofi.setLayer(layer, select.value || null).catch(() => {});
      }
    }
    if (el.tempo) el.tempo.value = shared.bpm ? String(shared.bpm) : '';
    lofi.setTempo(shared.bpm ?? null);
    for (const [key, id] of Object.entries(AI_FIELDS)) {
      if (!$(id)) continue;
      if (shared.solo?.[key] !== undefined) $(id).value = String(shared.solo[key]);
      else if (key === 'bars') $(id).value = ''; // a link without bars (an older one): the default size
    }
    el.progression.value = shared.progression ?? '';
    if (checkProgression()) await lofi.setProgression(shared.progression).catch(() => {});
    el.song.dispatchEvent(new Event('change'));
    status.set('share', 'info', 'Opened a shared track: press Play to hear it.');
  });

  // ---- a new build is waiting ---------------------------------------------------------------------
  lofi.on('update', () => {
    if (el.update) el.update.hidden = false;
  });
  el.update?.addEventListener('click', () => lofi.applyUpdate());
}
