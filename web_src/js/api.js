// window.lofi: the page's JavaScript API (documented in docs/ARCHITECTURE.md). The UI is built on
// the same calls, so tests that drive the API exercise what a listener clicks.

import { fetchJson } from './urls.js';
import { WorkerGenerator, loadGenerationMeta } from './generator.js';
import { createDecoder } from './decode.js';
import { chordsToPrimer, songPrimer } from './primer.js';
import { LiveSolo } from './livesolo.js';
import { seedToUint32 } from './sampling.js';
import { LivePlayer, renderOffline, songArrangement, soloArrangement } from './player.js';
import { createLayers } from './layers.js';

const SITE_DEFAULTS = { title: 'Lofi Player', basePath: '', drumLoopBars: 8, soloLoopBars: 30 };

export function createLofi({ status, visualizer = null }) {
  const site = { ...SITE_DEFAULTS };
  let songIndex = [];
  const songCache = new Map();
  let meta = null; // generation.json, once read
  let generator = null; // WorkerGenerator: the model runs in a Web Worker (worker.js)
  let solo = null; // {vocab, rhythm}, once the worker has loaded the model
  let backend = null;
  let modelPromise = null;
  let lastSolo = null; // {tokens, seed, settings, decoded}
  let live = null; // LiveSolo while the AI solo plays

  const player = new LivePlayer({
    hooks: {
      onNote: (midis, velocity, part) => visualizer?.note(midis, velocity, part),
      onDrum: (drum, velocity) => visualizer?.drum(drum, velocity),
      onQuote: (entry) => emit('quote', entry),
      onAmbience: (entry) => emit('ambience', entry),
    },
  });
  // Step 1's layers and the volumes (layers.js); events for the page: 'quote' (a quote starts:
  // show its caption), 'ambience' (an ambience starts or stops: change the background), 'state'.
  const layers = createLayers({ player, status });
  const events = new EventTarget();
  function emit(type, detail) {
    events.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // Reads the three small JSON files. None of them is fatal on its own.
  async function init() {
    const [siteResult, , indexResult, metaResult] = await Promise.allSettled([
      fetchJson('site.json'),
      layers.init(),
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
      generator ??= new WorkerGenerator();
      const loaded = await generator.load(meta);
      solo = { vocab: meta.vocab, rhythm: meta.rhythm };
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

  // primer: token strings (an array or one space-separated string), {song, bars} for a song's
  // opening, or {chords, sixteenths} for chord symbols; resolved here into vocabulary tokens.
  async function resolvePrimer(primer) {
    if (!primer || typeof primer === 'string' || Array.isArray(primer)) return primer || undefined;
    if (primer.song) return songPrimer(await getSong(primer.song), meta.vocab, { bars: primer.bars ?? 4 });
    if (primer.chords) return chordsToPrimer(primer.chords, meta.vocab, { sixteenths: primer.sixteenths ?? 16 });
    throw new Error('primer must be tokens, {song, bars} or {chords}');
  }

  // Generation options with the primer resolved and the defaults filled in: plain data for the worker.
  async function soloRequest(options = {}) {
    await loadModel();
    const { onToken, ...rest } = options;
    const request = { ...rest, primer: await resolvePrimer(rest.primer) };
    const given = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    return { request: { ...(meta.defaults || {}), ...given }, onToken };
  }

  // Starts a generation in the worker and decodes its tokens as they stream in (see livesolo.js
  // for the stream's shape). onToken(token, index) is called for every token.
  function launchStream(request, onToken = null) {
    const decoder = createDecoder({ seed: seedToUint32(request.seed ?? 1), rhythm: solo.rhythm });
    let firstEvent;
    const job = generator.generate(request, (token, index) => {
      stream.tokens.push(token);
      const event = decoder.push(token);
      if (event) {
        firstEvent(event);
        for (const listener of stream.listeners) listener(event);
      }
      onToken?.(token, index);
    });
    const stream = {
      tokens: [],
      decoder,
      done: false,
      failed: false,
      result: null,
      listeners: new Set(),
      firstEvent: new Promise((resolve) => (firstEvent = resolve)),
      cancel: () => generator.cancel(job.id),
    };
    stream.promise = job.promise.then(
      (result) => {
        stream.done = true;
        stream.result = { ...result, request, decoded: { events: decoder.events, steps: decoder.steps, skipped: decoder.skipped } };
        firstEvent(null);
        return stream.result;
      },
      (err) => {
        stream.done = true;
        stream.failed = true;
        firstEvent(null);
        throw err;
      },
    );
    stream.promise.catch(() => {}); // reported by whoever awaits it
    return stream;
  }

  async function generate(options = {}) {
    const started = performance.now();
    const { request, onToken } = await soloRequest(options);
    const result = await launchStream(request, onToken).promise;
    lastSolo = result;
    const ms = performance.now() - started;
    status.set('model', 'ok', `Generated ${result.tokens.length} tokens in ${Math.round(ms)} ms on ${backend} (in a Web Worker)`);
    return [...result.tokens];
  }

  // A finished solo as a stream that is already done (replaying the last solo).
  function doneStream(result) {
    const promise = Promise.resolve(result);
    return { tokens: result.tokens, decoder: result.decoded, done: true, failed: false, result, listeners: new Set(), promise, firstEvent: promise, cancel: () => {} };
  }

  // The AI solo, streamed into the player: it can start as soon as its first note is decoded.
  // `solo` (generation options) asks for a new solo; without it the last one is replayed (or one
  // is made with the defaults). `fresh`: a new solo for every pass (seed + pass number).
  async function liveSoloArrangement({ solo: soloOptions, fresh = false, playCalledAt }) {
    let stream;
    let request;
    if (soloOptions || !lastSolo) {
      ({ request } = await soloRequest(soloOptions ?? {}));
      stream = launchStream(request);
      stream.promise.then((result) => (lastSolo = result), () => {});
    } else {
      stream = doneStream(lastSolo);
      request = { ...lastSolo.request };
    }
    const baseSeed = seedToUint32(request.seed ?? 1);
    const controller = new LiveSolo({
      stream,
      loopBars: Number(site.soloLoopBars) || SITE_DEFAULTS.soloLoopBars,
      fresh,
      playCalledAt,
      nextStream: (pass) => launchStream({ ...request, seed: (baseSeed + pass) >>> 0 }),
      onPass: (pass, passStream) => {
        if (passStream.result) lastSolo = passStream.result;
      },
    });
    // Resolves once the first note is known, so the Transport can start: awaited while the player
    // prepares its instruments, in parallel.
    const firstNote = stream.firstEvent.then(async () => {
      controller.readyMs = performance.now() - playCalledAt;
      if (stream.failed) {
        controller.stop();
        await stream.promise; // throws the generation's error
      }
    });
    const arrangement = soloArrangement({ events: [] }, { loopBars: null });
    arrangement.parts[0].attach = (context) => controller.attach(context);
    return { arrangement, controller, firstNote };
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

  // Used by renderOffline (and by play for songs): the whole solo at once, looping every soloLoopBars.
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

  // drums, ambience, quote: an id, or null/false for off; true or left out: the current choice
  // (drums default to the first pattern). bpm: overrides the song's tempo (tests, power users).
  async function play({ song, drums = true, ambience, quote, bpm = null, solo: soloOptions, fresh = false } = {}) {
    const playCalledAt = performance.now();
    await ready;
    const id = song ?? defaultSong();
    live?.stop();
    live = null;
    let arrangement;
    let firstNote = null;
    if (id === 'ai') {
      const built = await liveSoloArrangement({ solo: soloOptions, fresh, playCalledAt });
      ({ arrangement, firstNote } = built);
      live = built.controller;
    } else {
      arrangement = await arrangementFor(id);
    }
    try {
      const [prepared] = await Promise.all([layers.prepareAll(arrangement, { drums, ambience, quote }), firstNote]);
      const { audible } = await player.play(arrangement, prepared, { loops: layers.loops(), bpm });
      emit('state', state());
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
    live?.stop();
    live = null;
    await player.stop();
    emit('ambience', null);
    emit('state', state());
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
      paused: player.paused,
      song: player.current?.id ?? null,
      bpm: player.current ? Math.round(player.sessionBpm * 100) / 100 : null,
      bar: player.bar,
      layers: layers.choices(),
      volumes: layers.volumes(),
      backend,
      modelLoaded: solo !== null,
      position: player.position,
      generator: solo ? generator.kind : null,
      // The AI solo while it plays: firstNote {triggerMs, soundMs, tokensGenerated, generationDone}.
      solo: live
        ? { pass: live.pass, fresh: live.fresh, generating: live.generating, tokens: live.passes[live.pass]?.tokens.length ?? 0, firstNote: live.firstNote }
        : null,
    };
  }

  // Also returns barRms (RMS per bar), timeline (every layer event with its bar) and loopPoints.
  async function renderOfflineApi({ song, bars = 2, drums = true, ambience, quote, bpm = null } = {}) {
    await ready;
    const arrangement = await arrangementFor(song ?? defaultSong());
    const prepared = await layers.prepareAll(arrangement, { drums, ambience, quote });
    return renderOffline(arrangement, prepared, { bars, bpm, loops: layers.loops(), volumes: layers.volumes() });
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
    // The player (issue 6): step 1's layers, volumes, pause/resume, and hooks for the page and tests.
    media: () => layers.media(),
    setLayer: async (layer, id) => {
      await ready;
      const result = await layers.setLayer(layer, id);
      emit('state', state());
      return result;
    },
    setVolume: (layer, value) => layers.setVolume(layer, value),
    pause: async () => {
      await player.pause();
      status.set('audio', 'info', 'Paused');
      emit('state', state());
      return state();
    },
    resume: async () => {
      await player.resume();
      if (player.current) status.set('audio', 'ok', `Playing ${describe(player.current.id)}`);
      emit('state', state());
      return state();
    },
    loopPoints: () => player.session?.loopPoints() ?? null,
    timeline: () => (player.session ? player.session.log.map((e) => ({ ...e })) : []),
    on: (type, listener) => {
      const wrapped = (event) => listener(event.detail);
      events.addEventListener(type, wrapped);
      return () => events.removeEventListener(type, wrapped);
    },
    // Extras beyond the contract, for the UI and for tests.
    defaults: () => (meta ? { ...(meta.defaults || {}) } : null),
    lastSolo: () => (lastSolo ? { tokens: [...lastSolo.tokens], events: lastSolo.decoded.events.map((e) => ({ ...e })) } : null),
    tensorCount: async () => (generator && solo ? generator.tensorCount() : 0),
    // Primers for generate({primer}) and the chord input: vocabulary tokens.
    chordsToPrimer: async (chords, options = {}) => {
      await ready;
      if (!meta) throw new Error('AI solo unavailable');
      return chordsToPrimer(chords, meta.vocab, options);
    },
    songPrimer: async (id, { bars = 4 } = {}) => {
      await ready;
      if (!meta) throw new Error('AI solo unavailable');
      return songPrimer(await getSong(id), meta.vocab, { bars });
    },
    // bench/generation.py: the seed article's window-per-token method on the same worker and weights.
    benchmarkSeedMethod: async (options = {}) => {
      await loadModel();
      return generator.seedMethod(options);
    },
  };
}
