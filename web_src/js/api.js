// window.lofi: the page's JavaScript API (docs/ARCHITECTURE.md), a thin facade over the modules
// that do the work: the catalogue (catalogue.js), the AI track (ai/loader.js, ai/track.js),
// playback (audio/playback.js), what the listener keeps (keep/) and the mood (music/mood.js).
// The UI is built on the same calls, so tests that drive the API exercise what a listener clicks.
// It owns the page's state: state() and its 'state' event are what the controls, the scene and the
// status line show (ui/), so a change made anywhere (a control, a key, a share link, a media key,
// a script) shows everywhere at once.

import { createCatalogue } from './catalogue.js';
import { createModelLoader } from './ai/loader.js';
import { createAiTrack } from './ai/track.js';
import { createPlayback } from './audio/playback.js';
import { expose } from './audio/probe.js';
import { createSleepTimer } from './audio/sleep_timer.js';
import { createStation } from './station/index.js';
import { loadTone } from './audio/tone.js';
import { intentSeen } from './intent.js';
import { createKeeper } from './keep/export.js';
import { createKeptTunes } from './keep/kept.js';
import { readMidi } from './keep/midi.js';
import { createRecorder } from './keep/recorder.js';
import { download } from './keep/download.js';
import { decodeShare, encodeShare, shareStateOf } from './keep/share.js';
import { createUpdates } from './keep/updates.js';
import { parseProgression } from './music/progression.js';
import { moodFromText } from './music/mood.js';

const OFFLINE_AFTER_MS = 20000;
const TONE_AFTER_MS = 3000;
const AUDIO_SETTLE_MS = 500;

export function createLofi({ status, visualizer = null }) {
  const events = new EventTarget();
  const emit = (type, detail) => events.dispatchEvent(new CustomEvent(type, { detail }));
  const recorder = createRecorder();
  const updates = createUpdates({ status, onUpdate: () => emit('update', true) });
  // The service worker's precache (the whole site) waits until the first note has sounded, or the
  // page has been idle for a while: until then the network is the first note's.
  const saveForOffline = () => updates.start();
  const idleSave = setTimeout(() => (window.requestIdleCallback ?? setTimeout)(saveForOffline), OFFLINE_AFTER_MS);
  const sounded = (fn) => (...args) => {
    clearTimeout(idleSave);
    saveForOffline();
    return fn?.(...args);
  };

  // lofi.ready: the catalogue, generation.json and media.json read. None of them is fatal on its
  // own: each reports its failure in the status area. Loading begins once everything is wired.
  let begin;
  const ready = new Promise((resolve) => (begin = resolve)).then(() => Promise.allSettled([catalogue.load(), loader.readMeta(), playback.layers.init()]));
  // What makes sound waits for Tone.js as well (audio/tone.js: split out of app.js). A thenable,
  // so that Tone.js is fetched only when something awaits it: the first sign of a listener (the
  // player's warm-up), a play(), a render; a page that only opens never fetches it.
  const audioReady = { then: (resolve, reject) => Promise.all([ready, loadTone()]).then(resolve, reject) };
  const withAudio = (fn) => async (...args) => {
    await audioReady;
    return fn(...args);
  };
  const catalogue = createCatalogue({ status });
  // Once the model is there, the AI track's instruments are made ready too, but only for a page a
  // listener has touched: building the audio graph holds this thread (see audio/playback.js).
  const loader = createModelLoader({ status, catalogue, onLoaded: () => intentSeen() && audioReady.then(() => playback.warm(ai.warmArrangement())).catch(() => {}) }); // Play retries
  const ai = createAiTrack({ loader, status, catalogue, ready });
  // The model loads as soon as the page has read generation.json, not at the first sign of a
  // listener: it loads in its worker, off this thread, and the AI track is what Play plays. A tap
  // on Play as the first input then finds it loading, or loaded, instead of starting it. (The
  // service worker keeps the same files for offline use after the first note anyway.)
  const loadModel = () => ready.then(() => loader.load(ready)).catch(() => {}); // a failure shows in the status line
  loadModel();
  // Tone.js (evaluating it makes the audio context: a long task) while the page sits idle, so that
  // neither the first paint nor the moment a listener reaches for Play pays for it; a tap on Play,
  // which comes with no sign before it, then finds it there too.
  ready.then(() => setTimeout(() => (window.requestIdleCallback ?? setTimeout)(() => loadTone().catch(() => {})), TONE_AFTER_MS));
  const heard = { note: sounded(visualizer?.note), drum: sounded(visualizer?.drum) };
  const station = createStation({ loader, layers: () => playback.layers, status, emit, ready });
  // The mood last applied: {text, reason (what it changed, in words), progression and bpm (null
  // for the radio's: its tunes take the mood's mode, tempo and drums)}, or null.
  let mood = null;
  const playback = createPlayback({ status, emit, catalogue, ai, loader, ready: audioReady, visualizer: heard, station, extraState: () => ({ recording: recorder.recording, sleepTimer: sleep.info(), mood }) });
  const keeper = createKeeper({ playback, ai, catalogue, ready: audioReady, station });
  const kept = createKeptTunes();
  const { layers, player, state } = playback;
  const sleep = createSleepTimer({
    isPlaying: () => player.current !== null && !player.paused,
    pause: () => playback.pause(),
    onChange: ({ fired }) => {
      if (fired) status.set('audio', 'info', 'Paused by the sleep timer: press Play to go on.');
      emit('state', state());
    },
  });
  const whenReady = (fn) => async (...args) => {
    await ready;
    return fn(...args);
  };
  const changed = (result) => {
    emit('state', state());
    return result;
  };

  function shareState() {
    const song = playback.currentSong();
    const last = ai.last();
    const lastPlay = playback.lastPlay();
    const tune = playback.state().tune;
    return shareStateOf({
      station: song === 'station' && tune ? { seed: tune.station, start: tune.index } : null,
      song,
      layers: layers.choices(),
      bpm: lastPlay?.bpm || playback.tempo(),
      progression: ai.progression()?.text,
      fresh: lastPlay?.fresh,
      request: last?.request,
      leadSheet: Boolean(last?.piece),
    });
  }
  const pageUrl = () => window.location.href.split('#')[0];

  // Chromium does not activate a waiting service worker while the page is setting up an audio
  // worklet under the old one (it then holds the switch for up to five minutes), and Tone.js sets
  // up worklets as it starts and as the graph is built. So the switch waits until the sound engine
  // has started (the click on "Update" is often the page's first sign of a listener, which starts it).
  async function audioSettled() {
    await loadTone().catch(() => {}); // started here if not yet: it may be asked for any moment
    await new Promise((resolve) => setTimeout(resolve, 0)); // a graph asked for meanwhile has begun
    await player.graphPromise?.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, AUDIO_SETTLE_MS));
  }

  const lofi = {
    ready: ready.then(() => undefined),
    loadModel: () => loader.load(ready),
    generate: (options) => ai.generate(options),
    compose: (options) => ai.compose(options),
    // Play as the first input (no sign before it): the model starts loading now, beside Tone.js.
    play: (options) => (loadModel(), playback.play(options)),
    // The endless station of AI tunes: its plan, composed ({seed, minutes, progression, mood}),
    // the tunes heard this session (oldest first) and the next tune from the next bar.
    station: (options) => station.compose(options),
    history: () => station.history(),
    // The station's next tunes with these sampling settings ({temperature, topK, topP}); null when it is not playing.
    stationSettings: (settings) => station.setSampling(settings),
    // A station tune, whole, written again (or from memory): {station, index, options} as in history().
    tune: (entry) => station.tune(entry).then(({ events: _events, ...rest }) => structuredClone(rest)),
    // The tunes kept on this device: [{id, station, index, key, bpm, bars, drums, options, keptAt}].
    keepTune: (entry) => changed(kept.keep(entry)),
    keptTunes: () => kept.list(),
    forgetTune: (id) => changed(kept.forget(id)),
    skip: withAudio(() => playback.skip()),
    stop: withAudio(() => playback.stop()),
    state,
    songs: () => catalogue.songs(),
    // Also returns barRms (RMS per bar), timeline (every layer event with its bar) and loopPoints.
    renderOffline: async (options = {}) => {
      const { buffer: _buffer, ...result } = await keeper.render(options);
      return result;
    },
    // The layers (drums, ambience, quote), volumes, pause/resume, and what was heard when.
    media: () => layers.media(),
    setLayer: (layer, id) => playback.setLayer(layer, id),
    setVolume: (layer, value) => changed(layers.setVolume(layer, value)),
    pause: withAudio(() => playback.pause()),
    resume: withAudio(() => playback.resume()),
    // Fades out and pauses after `minutes` (null or 0: off): {endsAt, remainingMs, fading} or null.
    sleepTimer: (minutes) => sleep.set(minutes),
    loopPoints: () => player.session?.loopPoints() ?? null,
    timeline: () => (player.session ? player.session.log.map((e) => ({ ...e })) : []),
    on: (type, listener) => {
      const wrapped = (event) => listener(event.detail);
      events.addEventListener(type, wrapped);
      return () => events.removeEventListener(type, wrapped);
    },
    // Extras beyond the contract, for the UI and for tests.
    defaults: () => loader.defaults(),
    lastSolo: () => {
      const last = ai.last();
      return last ? { tokens: [...last.tokens], events: last.decoded.events.map((e) => ({ ...e })), ...(last.piece ? { piece: structuredClone(last.piece) } : {}) } : null;
    },
    tensorCount: () => loader.tensorCount(),
    // Primers for generate({primer}) and the chord input: vocabulary tokens.
    chordsToPrimer: whenReady((chords, options = {}) => loader.chordsToPrimer(chords, options)),
    songPrimer: whenReady((id, options = {}) => loader.songPrimer(id, options)),
    // Your chords, your mood, your track to keep (README: "Share, keep and offline").
    // Reads the chords once: a setProgression() or play() of the same text uses what was read.
    parseProgression: (text) => {
      let read;
      try {
        read = ai.readProgression(text);
      } catch (err) {
        if (!err.errors) throw err;
        // The one reading's errors, and the chords it could read beside them.
        return { ok: false, errors: err.errors, chords: err.chords.map(({ symbol, bar, step, sixteenths }) => ({ symbol, bar, step, sixteenths })) };
      }
      if (read) return { ok: true, errors: [], ...ai.progressionInfo(read) };
      const empty = parseProgression(text); // nothing to read: what an empty text is told
      return { ok: false, errors: empty.errors, chords: [] };
    },
    setProgression: whenReady((text) => changed(ai.setProgression(text))),
    progression: () => ai.progressionInfo(ai.progression()),
    setTempo: (bpm) => changed(playback.setTempo(bpm)),
    mood: (text) => moodFromText(text),
    // A mood sets the ambience and the drums; for the AI track and the songs it sets the chords
    // and the tempo too; for the radio ({chords: false}) it only says what the radio takes from
    // it: its tunes are planned by the mood's mode, tempo and drums. While a tune plays, the mood
    // is heard from the next bar, as typed chords are.
    applyMood: whenReady(async (text, { chords = true } = {}) => {
      let choice;
      try {
        choice = moodFromText(text);
      } catch (err) {
        status.set('mood', 'error', err.message);
        throw err;
      }
      if (chords) {
        ai.setProgression(choice.progression);
        playback.useTempo(choice.bpm);
      }
      mood = { text: choice.text, reason: chords ? choice.reason : choice.radioReason, progression: chords ? choice.progression : null, bpm: chords ? choice.bpm : null };
      status.set('mood', 'ok', mood.reason);
      emit('state', state());
      await Promise.all(['ambience', 'drums'].map((layer) => playback.setLayer(layer, choice[layer]).catch((err) => status.set(layer, 'error', err.message))));
      await playback.follow({ mood: mood.text });
      return changed({ ...choice, key: chords ? ai.progression().key : null });
    }),
    exportMidi: async (options = {}) => {
      const { bytes, ...rest } = await keeper.exportMidi(options);
      return { ...rest, bytes: Array.from(bytes), size: bytes.length };
    },
    readMidi: (bytes) => readMidi(Uint8Array.from(bytes)),
    downloadMidi: async (options = {}) => {
      const { bytes, filename } = await keeper.exportMidi(options);
      download(new Blob([bytes], { type: 'audio/midi' }), filename);
      return { filename, size: bytes.length };
    },
    renderWav: (options) => keeper.renderWav(options),
    downloadWav: async (options = {}) => {
      const result = await keeper.renderWav(options);
      download(result.blob, result.filename);
      return { filename: result.filename, size: result.size, rms: result.rms, seconds: result.seconds };
    },
    startRecording: async () => {
      await audioReady;
      await recorder.start();
      status.set('recording', 'busy', 'Recording what is playing…');
      emit('state', state());
      return state();
    },
    stopRecording: async () => {
      const result = await recorder.stop();
      const filename = keeper.recordingName(result.type);
      status.set('recording', 'ok', `Recorded ${result.seconds.toFixed(1)} s (${filename})`);
      emit('state', state());
      return { ...result, size: result.blob.size, filename };
    },
    shareState,
    shareUrl: (shared = shareState()) => `${pageUrl()}#${encodeShare(shared)}`,
    readShareUrl: (url = window.location.href) => decodeShare(url),
    offline: () => updates.info(),
    offlineReady: () => updates.ready(),
    checkForUpdate: () => updates.checkForUpdate(),
    applyUpdate: async () => {
      await audioSettled();
      return updates.applyUpdate();
    },
  };
  begin();
  expose(lofi);
  return lofi;
}
