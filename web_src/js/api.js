// window.lofi: the page's JavaScript API (documented in docs/ARCHITECTURE.md). The UI is built on
// the same calls, so tests that drive the API exercise what a listener clicks.

import { fetchJson } from './urls.js';
import { loadGenerationMeta, loadSoloModel, tensorCount } from './model.js';
import { decodeTokens } from './decode.js';
import { LivePlayer, renderOffline, songArrangement, soloArrangement } from './player.js';

const SITE_DEFAULTS = { title: 'Lofi Player', basePath: '', drumLoopBars: 8, soloLoopBars: 30 };

export function createLofi({ status, visualizer = null }) {
  const site = { ...SITE_DEFAULTS };
  let songIndex = [];
  const songCache = new Map();
  let meta = null; // generation.json, once read
  let solo = null; // SoloModel, once loaded
  let backend = null;
  let modelPromise = null;
  let lastSolo = null; // {tokens, seed, settings, decoded}

  const player = new LivePlayer({
    hooks: {
      onNote: (midis, velocity, part) => visualizer?.note(midis, velocity, part),
      onDrum: (drum, velocity) => visualizer?.drum(drum, velocity),
    },
  });

  // Reads the three small JSON files. None of them is fatal on its own.
  async function init() {
    const [siteResult, indexResult, metaResult] = await Promise.allSettled([
      fetchJson('site.json'),
      fetchJson('songs/index.json'),
      loadGenerationMeta(),
    ]);
    if (siteResult.status === 'fulfilled') Object.assign(site, siteResult.value);
    player.drumLoopBars = Number(site.drumLoopBars) || SITE_DEFAULTS.drumLoopBars;

    if (indexResult.status === 'fulfilled' && Array.isArray(indexResult.value)) {
      songIndex = indexResult.value;
      status.set('songs', 'ok', `${songIndex.length} song${songIndex.length === 1 ? '' : 's'} available`);
    } else {
      const reason = indexResult.reason?.message ?? 'songs/index.json is not a list';
      status.set('songs', 'error', `Songs unavailable: ${reason}. The AI solo still works.`);
    }

    if (metaResult.status === 'fulfilled') {
      meta = metaResult.value;
      status.set('model', 'info', `AI model not loaded yet (${meta.vocab.length} tokens); it loads when you pick the AI solo.`);
    } else {
      status.set('model', 'error', `AI solo unavailable: ${metaResult.reason.message}. Songs still work.`);
    }
  }

  const ready = init();

  function loadModel() {
    modelPromise ??= (async () => {
      await ready;
      if (!meta) throw new Error(status.get('model')?.text ?? 'AI solo unavailable');
      status.set('model', 'busy', 'Loading the AI model…');
      const loaded = await loadSoloModel(meta);
      solo = loaded.solo;
      backend = loaded.backend;
      // Its own status line, so a fallback (slower) backend stays visible after later messages.
      const fallback = loaded.notes.length ? ` (fallback: ${loaded.notes.join('; ')})` : '';
      status.set('backend', loaded.notes.length ? 'warn' : 'ok', `TensorFlow.js backend: ${backend}${fallback}`);
      status.set('model', 'ok', `AI model ready: ${solo.vocab.length} tokens`);
      return { vocabSize: solo.vocab.length, backend };
    })().catch((err) => {
      modelPromise = null; // allow a retry
      if (meta) status.set('model', 'error', `AI model failed to load: ${err.message}`);
      throw err;
    });
    return modelPromise;
  }

  async function generate(options = {}) {
    await loadModel();
    const started = performance.now();
    const result = await solo.generate(options);
    const decoded = decodeTokens(result.tokens, { seed: result.seed, rhythm: solo.rhythm });
    lastSolo = { ...result, decoded };
    const ms = performance.now() - started;
    status.set('model', 'ok', `Generated ${result.tokens.length} tokens in ${Math.round(ms)} ms on ${backend}`);
    return [...result.tokens];
  }

  async function getSong(id) {
    if (songCache.has(id)) return songCache.get(id);
    const entry = songIndex.find((s) => s.id === id);
    try {
      const song = await fetchJson(entry?.url ?? `songs/${encodeURIComponent(id)}.json`);
      songCache.set(id, song);
      return song;
    } catch (err) {
      status.set('songs', 'error', `Could not load song "${id}": ${err.message}`);
      throw err;
    }
  }

  async function arrangementFor(song) {
    if (song === 'ai') {
      if (!lastSolo) await generate({});
      return soloArrangement(lastSolo.decoded, { loopBars: Number(site.soloLoopBars) || SITE_DEFAULTS.soloLoopBars });
    }
    return songArrangement(await getSong(song));
  }

  function defaultSong() {
    if (songIndex.length) return songIndex[0].id;
    return 'ai';
  }

  async function play({ song, drums = true } = {}) {
    await ready;
    const id = song ?? defaultSong();
    const arrangement = await arrangementFor(id);
    try {
      const { audible } = await player.play(arrangement, { drums });
      status.set(
        'audio',
        audible ? 'ok' : 'warn',
        audible ? `Playing ${describe(id)} at ${arrangement.bpm} bpm` : 'The browser has not allowed audio yet: press Play again.',
      );
    } catch (err) {
      status.set('audio', 'error', `Playback failed: ${err.message}`);
      throw err;
    }
    return state();
  }

  async function stop() {
    await player.stop();
    status.set('audio', 'info', 'Stopped');
    return state();
  }

  function describe(id) {
    if (id === 'ai') return 'the AI solo';
    return `"${songIndex.find((s) => s.id === id)?.title ?? id}"`;
  }

  function state() {
    return {
      playing: player.current !== null,
      song: player.current?.id ?? null,
      bpm: player.current?.bpm ?? null,
      backend,
      modelLoaded: solo !== null,
      position: player.position,
    };
  }

  async function renderOfflineApi({ song, bars = 2, drums = true } = {}) {
    await ready;
    const arrangement = await arrangementFor(song ?? defaultSong());
    return renderOffline(arrangement, { bars, drums, drumLoopBars: player.drumLoopBars });
  }

  return {
    ready: ready.then(() => undefined),
    loadModel,
    generate,
    play,
    stop,
    state,
    songs: () => songIndex.map((s) => ({ ...s })),
    renderOffline: renderOfflineApi,
    // Extras beyond the contract, for the UI and for tests.
    defaults: () => (meta ? { ...(meta.defaults || {}) } : null),
    lastSolo: () => (lastSolo ? { tokens: [...lastSolo.tokens], events: lastSolo.decoded.events.map((e) => ({ ...e })) } : null),
    tensorCount,
  };
}
