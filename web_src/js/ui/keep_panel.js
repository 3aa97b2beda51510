// Keep it and share it: MIDI and WAV downloads (a render shows its progress and time; the AI
// radio's: the whole tune that plays), a live recording (a red light and a timer while it runs),
// the share link (and opening one: the radio's plays its station from the tune shared), the radio's
// tunes (tunes.js), and the "Update" button when a new build of the site is waiting. Listeners only,
// no inline script (the page runs under a strict Content-Security-Policy).

import { download } from '../keep/download.js';
import { trackControls } from './track.js';
import { bindTunes } from './tunes.js';
import { runWithButton } from './button_action.js';

const $ = (id) => document.getElementById(id);
const AI_FIELDS = { seed: 'seed', temperature: 'temperature', length: 'length', bars: 'bars', topK: 'top-k', topP: 'top-p' };
const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

export function bindKeepPanel(lofi, status, { song, sound, chords, sync }) {
  const el = {
    tempo: $('tempo'),
    progression: $('progression'),
    midi: $('download-midi'),
    wav: $('download-wav'),
    record: $('record'),
    share: $('share'),
    shareUrl: $('share-url'),
    update: $('update'),
    renderProgress: $('render-progress'),
    renderText: $('render-text'),
    renderBar: $('render-bar'),
    light: $('recording-light'),
    recordingTime: $('recording-time'),
  };

  bindTunes(lofi, status, { track: trackControls(), sound });

  // The radio's tune that plays (else the last one heard), as lofi.history() has it: what the MIDI
  // and WAV buttons save while the radio is the track.
  function radioTune() {
    const history = lofi.history();
    const now = lofi.state().tune;
    const playing = now && history.findLast((t) => Number(t.station) === Number(now.station) && t.index === now.index);
    const tune = playing || history.at(-1);
    if (!tune) throw new Error('Nothing to save yet: play the AI radio, then save the tune that plays (or a kept one).');
    return tune;
  }

  const run = (button, layer, fn) => runWithButton(status, button, layer, fn);

  el.midi.addEventListener('click', () =>
    run(el.midi, 'download', async () => {
      const { filename, size } = await lofi.downloadMidi(song.value === 'station' ? { tune: radioTune() } : { song: song.value });
      status.set('download', 'ok', `Saved ${filename} (${size} bytes)`);
    }),
  );

  // The bar follows the render (it runs without an end until the render reports), the time counts up.
  el.wav.addEventListener('click', () =>
    run(el.wav, 'download', async () => {
      const what = song.value === 'station' ? { tune: radioTune() } : { song: song.value };
      const started = performance.now();
      const tick = () => (el.renderText.textContent = `Rendering the audio… ${clock((performance.now() - started) / 1000)}`);
      tick();
      el.renderBar.removeAttribute('value');
      el.renderProgress.hidden = false;
      const timer = setInterval(tick, 250);
      const onProgress = (fraction) => (el.renderBar.value = Math.max(el.renderBar.value || 0, fraction));
      try {
        const { filename, size, seconds } = await lofi.downloadWav({ ...sound.layerChoice(), ...what, onProgress });
        status.set('download', 'ok', `Saved ${filename} (${seconds.toFixed(1)} s, ${(size / 1e6).toFixed(1)} MB)`);
      } finally {
        clearInterval(timer);
        el.renderProgress.hidden = true;
      }
    }),
  );

  // Recording: the light and the timer stay on while it runs (however it was started).
  let recordTimer = null;
  function showRecording(on) {
    el.record.textContent = on ? 'Stop recording' : 'Record';
    el.record.setAttribute('aria-pressed', String(on));
    el.light.hidden = !on;
    if (on === (recordTimer !== null)) return;
    clearInterval(recordTimer);
    recordTimer = null;
    if (!on) return;
    const started = performance.now();
    el.recordingTime.textContent = clock(0);
    recordTimer = setInterval(() => (el.recordingTime.textContent = clock((performance.now() - started) / 1000)), 250);
  }
  lofi.on('state', (state) => showRecording(Boolean(state.recording)));
  el.record.addEventListener('click', () =>
    run(el.record, 'recording', async () => {
      if (lofi.state().recording) {
        const result = await lofi.stopRecording();
        download(result.blob, result.filename);
      } else {
        await lofi.startRecording();
      }
      showRecording(Boolean(lofi.state().recording));
    }),
  );

  // ---- share it: the page's state in the URL ------------------------------------------------------
  function pageState() {
    const state = { song: song.value, ...sound.layerChoice(), bpm: Number(el.tempo.value) || null, progression: el.progression.value.trim() || null };
    if (song.value === 'station') {
      // The station and the tune that play (each tune has its own tempo), else the seed typed.
      const tune = lofi.state().tune;
      const typed = $('station-seed').value.trim();
      state.bpm = null;
      if (tune) state.station = { seed: Number(tune.station), start: tune.index };
      else if (/^\d+$/.test(typed)) state.station = { seed: Number(typed), start: 0 };
      const entry = tune && lofi.history().findLast((t) => Number(t.station) === Number(tune.station) && t.index === tune.index);
      if (entry) state.progression = entry.options?.progression ?? null; // the chords it was written over
      const sampling = entry?.options?.sampling ?? trackControls()?.stationSampling();
      state.solo = sampling ?? Object.fromEntries(['temperature', 'topK', 'topP'].map((key) => [key, Number($(AI_FIELDS[key]).value)]));
    }
    if (song.value === 'ai') {
      state.solo = {};
      for (const [key, id] of Object.entries(AI_FIELDS)) {
        const value = $(id).value.trim();
        if (value) state.solo[key] = key === 'seed' ? value : Number(value);
      }
    }
    return state;
  }
  el.share.addEventListener('click', () =>
    run(el.share, 'share', async () => {
      if (!chords.checkProgression()) throw new Error('fix the chords before sharing');
      const url = lofi.shareUrl(pageState());
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

  // Opening a shared link: the page takes its state (after the remembered choices are restored),
  // and the scene shows its ambience at once, before any Play. Another link opened in the same tab
  // changes only the fragment: it is read the same way, and takes over from what plays.
  async function openShared(shared) {
    if ([...song.options].some((o) => o.value === shared.song && !o.disabled)) song.value = shared.song;
    if (shared.song === 'station' && shared.station) trackControls()?.chooseStation(shared.station);
    for (const layer of Object.keys(sound.selects)) {
      if (shared[layer] !== undefined) await sound.choose(layer, shared[layer]);
    }
    el.tempo.value = shared.bpm ? String(shared.bpm) : '';
    chords.applyTempo();
    for (const [key, id] of Object.entries(AI_FIELDS)) {
      if (shared.solo?.[key] !== undefined) $(id).value = String(shared.solo[key]);
      else if (key === 'bars') $(id).value = ''; // a link without bars (an older one): the default size
    }
    $('temperature').dispatchEvent(new Event('input')); // calmer / wilder follows
    el.progression.value = shared.progression ?? '';
    if (chords.checkProgression()) await lofi.setProgression(shared.progression).catch(() => {});
    song.dispatchEvent(new Event('change')); // while a track plays, the shared one takes over
    sync();
    const what = shared.song === 'station' && shared.station ? `tune ${shared.station.start + 1} of station ${shared.station.seed}` : 'a shared track';
    if (!lofi.state().playing) status.set('share', 'info', `Opened ${what}: press Play to hear it.`);
  }
  const opening = lofi.readShareUrl();
  sound.filled.then(() => opening && openShared(opening));
  window.addEventListener('hashchange', () => {
    const shared = lofi.readShareUrl();
    if (shared) sound.filled.then(() => openShared(shared));
  });

  // ---- a new build is waiting ---------------------------------------------------------------------
  lofi.on('update', () => (el.update.hidden = false));
  el.update.addEventListener('click', () => {
    el.update.disabled = true; // the page reloads once the new version has taken over
    el.update.textContent = 'Switching to the new version…';
    lofi.applyUpdate();
  });
}
