// window.lofi: the page's JavaScript API (documented in docs/ARCHITECTURE.md). The UI is built on
// the same calls, so tests that drive the API exercise what a listener clicks.

import { fetchJson } from './urls.js';
import { onFirstIntent } from './intent.js';
import { WorkerGenerator, loadGenerationMeta } from './generator.js';
import { createDecoder } from './ai/decode.js';
import { chordsToPrimer, songPrimer } from './ai/primer.js';
import { LiveSolo } from './audio/livesolo.js';
import { seedToUint32 } from './sampling.js';
import { AI_BPM, LivePlayer, audioStats, renderOffline, songArrangement, soloArrangement } from './audio/player.js';
import { createLayers } from './audio/mix.js';
import { backingPart, makeProgression, parseProgression, progressionPrimer, soloLoopBars, transposeNotes } from './music/progression.js';
import { moodFromText } from './music/mood.js';
import { arrangementToMidi, readMidi } from './keep/midi.js';
import { audioBufferToWav } from './keep/wav.js';
import { createRecorder } from './keep/recorder.js';
import { download, slug } from './keep/download.js';
import { decodeShare, encodeShare } from './keep/share.js';
import { createOffline } from './keep/updates.js';
import { AI_PARTS, AI_ROLES, leadSheetParts } from './ai/arrange.js';
import { followPlan, freePlan, pieceBars } from './ai/compose.js';
import { createPieceBuilder } from './ai/piece.js';

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
  let lastSolo = null; // {tokens, seed, settings, request, decoded} (+ piece for a lead sheet)
  let live = null; // LiveSolo while the AI solo plays
  // Issue 7: the listener's chord progression (progression.js) and tempo, the last play() (for the
  // share URL), the live recorder and the service worker.
  let progression = null;
  let tempo = null;
  let lastPlay = null;
  const recorder = createRecorder();
  const offline = createOffline({ status, onUpdate: () => emit('update', true) });

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

  // The live audio graph (bus, reverb impulse, vinyl crackle, instruments) is built once, ahead of
  // the first play() where possible: building it needs no user gesture (the context may stay
  // suspended until one: see unlock()), so a play() only adds Parts. warm(arrangement) also fetches
  // the samples that arrangement and the current layer choices need.
  player.unlockOnGesture();
  function warm(arrangement) {
    return layers
      .prepareWarm(arrangement)
      .then((prepared) => player.warm(prepared))
      .catch((err) => console.warn(`lofi: pre-warming the player failed: ${err.message}`));
  }
  // The AI solo's instruments (its parts stream, so they get the middle of the keyboard).
  function aiWarmArrangement() {
    const arrangement = isLeadSheet() ? leadSheetArrangement([], { bars: null }) : soloArrangement({ events: [] }, { loopBars: null });
    for (const part of arrangement.parts) part.attach = () => {};
    return arrangement;
  }
  // Not while the page first appears: building the graph holds the main thread for a few hundred
  // ms (the audio context, the reverb's impulse), which Lighthouse counts as blocking time (make
  // quality). It starts at the first sign of a listener (pointer, key, touch, focus, scroll), well
  // before a click on Play lands; play() and loadModel() build it anyway if it is not there yet.
  onFirstIntent(() => ready.then(() => warm({ parts: [] })));

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
      warm(aiWarmArrangement()); // not awaited
      return { vocabSize: solo.vocab.length, backend };
    })().catch((err) => {
      modelPromise = null; // allow a retry
      if (generator?.broken) {
        generator.worker.terminate(); // its script failed to load: a retry starts a new worker
        generator = null;
      }
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
    const { onToken, progression: progressionOption, ...rest } = options;
    // A progression (given, else the current one unless an explicit primer is given) primes the
    // solo in C major / A minor; `progression.shift` moves its notes back (launchStream).
    if (progressionOption !== undefined) setProgression(progressionOption);
    const prog = progressionOption !== undefined || !rest.primer ? progression : null;
    const primer = rest.primer ?? (prog ? progressionPrimer(prog, meta.vocab) : undefined);
    const request = { ...rest, primer: await resolvePrimer(primer) };
    const given = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    const info = prog ? { text: prog.text, shift: prog.shift, bars: prog.bars, key: prog.key } : null;
    return { request: { ...(meta.defaults || {}), ...given, progression: info }, onToken };
  }

  // The progression: text -> the current one (throws naming a bad symbol); null or '' -> none.
  function setProgression(text) {
    progression = text === null || text === undefined || String(text).trim() === '' ? null : makeProgression(text);
    return progressionInfo(progression);
  }

  function progressionInfo(prog) {
    if (!prog) return null;
    const { text, bars, chords, key, shift, modelChords } = prog;
    // The AI track's loop: a lead sheet's bars (whole passes of the progression), else the solo's.
    const loop = isLeadSheet() ? pieceBars(null, bars) : soloLoopBars(prog, baseSoloBars());
    return { text, bars, chords: chords.map((c) => ({ ...c })), key, shift, modelChords: [...modelChords], soloLoopBars: loop };
  }

  // ---- The lead sheet (generation.json "encoding": "leadsheet"): compose, not generate ---------
  // The model writes a melody over chords (the listener's, or its own); the AI track plays the
  // melody on the piano, the chords on the electric piano and a bass line, swung with the drums.
  // The other encodings ("timed", the article's "seed") keep the solo below.

  const isLeadSheet = () => meta?.encoding === 'leadsheet';
  const BAR_LENGTH = 16; // the chord field's bars are 4/4
  const plainOptions = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== null && v !== '' && typeof v !== 'function'));

  // Composition options with the defaults filled in: plain data for the worker. A progression
  // (given, else the chord field's) puts the model in FOLLOW mode; none, in FREE mode. A lead
  // sheet's size is `bars`: a solo's `length` (tokens) is kept only as the form gave it (a share
  // link carries it back), and `primer` does not apply.
  async function composeRequest(options = {}) {
    await loadModel();
    if (!isLeadSheet()) throw new Error(`compose() needs a lead-sheet model; this one's encoding is "${meta.encoding ?? 'timed'}": use generate()`);
    const { onToken, progression: progressionOption, primer, ...rest } = options;
    if (progressionOption !== undefined) setProgression(progressionOption);
    const { length: _length, ...defaults } = meta.defaults || {};
    const given = plainOptions(rest);
    const bars = pieceBars(given.bars, progression?.bars ?? null);
    const info = progression ? { text: progression.text, bars: progression.bars } : null;
    return { request: { ...defaults, ...given, bars, progression: info }, onToken };
  }

  // The plan (ai/compose.js) for a request: the listener's chords over the bars, or a free piece.
  function planFor(request) {
    if (!request.progression) return freePlan({ seed: request.seed ?? 1, bars: request.bars, barLength: BAR_LENGTH });
    const prog = makeProgression(request.progression.text);
    const chords = prog.chords.map((c) => ({ symbol: c.symbol, step: c.bar * BAR_LENGTH + c.step, length: c.sixteenths }));
    return followPlan({ progression: chords, passBars: prog.bars, bars: request.bars, vocab: meta.vocab, barLength: BAR_LENGTH });
  }

  // Says how the model reads the listener's chords: those it has no token for become the nearest
  // one it has, and extensions its family does not voice are left out of what it hears.
  function reportChords(plan) {
    if (plan.mode !== 'follow') {
      status.set('chords', 'info', 'No chords given: the AI writes its own progression.');
      return;
    }
    if (!plan.mapped.length) {
      status.set('chords', 'ok', `The AI writes its melody over your chords as written (${plan.key}).`);
      return;
    }
    const lines = plan.mapped.map((m) => `${m.symbol} played as ${m.as}${m.nearest ? ' (the nearest chord the model knows)' : ''}`);
    status.set('chords', 'info', `The AI writes its melody over your chords (${plan.key}): ${lines.join('; ')}.`);
  }

  // Starts a composition in the worker and builds the piece as its tokens stream in (ai/piece.js);
  // the stream has the shape livesolo.js follows. Its firstEvent resolves once the first bar is
  // written, so the track starts with its first chord and bass note in place.
  function launchCompose(request, onToken = null) {
    const plan = planFor(request);
    reportChords(plan);
    const builder = createPieceBuilder(plan, { seed: request.seed ?? 1 });
    const stream = newStream({ tokens: builder.tokens, decoder: builder });
    const { progression: _p, ...options } = request;
    const job = generator.compose({ ...options, changes: plan.changes, meter: '4/4' }, (token, index) => {
      const events = builder.push(token);
      for (const event of events) for (const listener of stream.listeners) listener(event);
      if (builder.barsDone >= 1) stream.first(true);
      onToken?.(token, index);
    });
    return followJob(stream, job, (result) => ({
      ...result,
      request,
      piece: builder.result(),
      decoded: { events: builder.events, steps: request.bars * BAR_LENGTH, skipped: builder.skipped },
    }));
  }

  // A worker job's tokens as the stream livesolo.js follows: {tokens, decoder, done, failed, result,
  // listeners, firstEvent, promise, cancel}. first(value) resolves firstEvent (the track can start).
  function newStream({ tokens, decoder }) {
    let first;
    const stream = { tokens, decoder, done: false, failed: false, result: null, listeners: new Set() };
    stream.firstEvent = new Promise((resolve) => (first = resolve));
    stream.first = (value) => first(value);
    return stream;
  }

  // Ties a stream to its job: finish(result) makes the stream's result when the job ends.
  function followJob(stream, job, finish) {
    stream.cancel = () => generator.cancel(job.id);
    stream.promise = job.promise.then(
      (result) => {
        stream.done = true;
        stream.result = finish(result);
        stream.first(null);
        return stream.result;
      },
      (err) => {
        stream.done = true;
        stream.failed = true;
        stream.first(null);
        throw err;
      },
    );
    stream.promise.catch(() => {}); // reported by whoever awaits it
    return stream;
  }

  // A lead sheet, whole: {tokens, key, chords, melody, ...} (ai/piece.js result()).
  async function compose(options = {}) {
    const started = performance.now();
    const { request, onToken } = await composeRequest(options);
    const result = await launchCompose(request, onToken).promise;
    lastSolo = result;
    const ms = performance.now() - started;
    status.set('model', 'ok', `Composed ${request.bars} bars (${result.tokens.length} tokens) in ${Math.round(ms)} ms on ${backend} (in a Web Worker)`);
    return structuredClone({ ...result.piece, seed: result.seed, settings: result.settings });
  }

  // The drum pattern's swing (0..1) for a drums choice (an id, null for none, true/undefined: the
  // current one): the AI track swings with it.
  function drumSwing(choice) {
    const id = choice === true || choice === undefined ? layers.choices().drums : choice || null;
    return id ? Number(layers.find('drums', id)?.swing) || 0 : 0;
  }

  // A lead sheet's arrangement: its three parts, looping on the piece's bars.
  function leadSheetArrangement(events, { bars, swing = 0 }) {
    return { id: 'ai', bpm: AI_BPM, timeSignature: [4, 4], swing: 0, loopBars: bars, parts: leadSheetParts(events, { barLength: BAR_LENGTH, swing }) };
  }

  // The lead sheet streamed into the player (see liveSoloArrangement).
  async function liveLeadSheetArrangement({ solo: soloOptions, fresh, playCalledAt }) {
    let stream;
    let request;
    let onToken = null;
    if (soloOptions || !lastSolo?.piece || staleSolo()) {
      const settings = soloOptions ?? (lastSolo?.piece ? replaySettings(lastSolo.request) : {});
      ({ request, onToken } = await composeRequest(settings));
      stream = launchCompose(request, onToken);
      stream.promise.then((result) => (lastSolo = result), () => {});
    } else {
      stream = doneStream(lastSolo);
      request = { ...lastSolo.request };
    }
    const baseSeed = seedToUint32(request.seed ?? 1);
    const controller = new LiveSolo({
      stream,
      loopBars: request.bars,
      barLength: BAR_LENGTH,
      roles: AI_ROLES,
      swing: () => drumSwing(),
      fresh,
      playCalledAt,
      nextStream: (pass) => launchCompose({ ...request, seed: (baseSeed + pass) >>> 0 }),
      onPass: (pass, passStream) => {
        if (passStream.result) lastSolo = passStream.result;
      },
    });
    const firstNote = stream.firstEvent.then(async () => {
      controller.readyMs = performance.now() - playCalledAt;
      if (stream.failed) {
        controller.stop();
        await stream.promise; // throws the composition's error
      }
    });
    const arrangement = leadSheetArrangement([], { bars: null });
    arrangement.parts.forEach((part, i) => (part.attach = (context) => controller.attach(context, AI_PARTS[i].role)));
    return { arrangement, controller, firstNote, loops: { ...layers.loops(), solo: `${request.bars}m` } };
  }

  // The last solo was made for another progression than the current one.
  const staleSolo = () => Boolean(lastSolo) && (lastSolo.request.progression?.text ?? null) !== (progression?.text ?? null);
  // A solo's settings without what the current state decides (the progression, the primer).
  function replaySettings(request) {
    const { primer, progression: _p, bars, ...settings } = request;
    return settings;
  }

  const baseSoloBars = () => Number(site.soloLoopBars) || SITE_DEFAULTS.soloLoopBars;
  const progressionOf = (result) => (result?.request?.progression ? makeProgression(result.request.progression.text) : null);
  // The AI solo's arrangement: its notes, plus the progression's chords looping on their own bars.
  function withBacking(arrangement, prog) {
    if (prog) arrangement.parts.push(backingPart(prog));
    return arrangement;
  }
  const soloLoops = (prog) => (prog ? { ...layers.loops(), solo: `${soloLoopBars(prog, baseSoloBars())}m` } : layers.loops());
  // The last solo, unless the progression has changed since: then a new one with the same settings.
  async function currentSolo() {
    if (lastSolo && !staleSolo() && Boolean(lastSolo.piece) === isLeadSheet()) return lastSolo;
    await generate(lastSolo ? replaySettings(lastSolo.request) : {});
    return lastSolo;
  }

  // Starts a generation in the worker and decodes its tokens as they stream in (see livesolo.js
  // for the stream's shape). onToken(token, index) is called for every token.
  function launchStream(request, onToken = null) {
    const decoder = createDecoder({ seed: seedToUint32(request.seed ?? 1), rhythm: solo.rhythm });
    const shift = -(request.progression?.shift ?? 0); // back from C major / A minor to the progression's key
    const stream = newStream({ tokens: [], decoder });
    const job = generator.generate(request, (token, index) => {
      stream.tokens.push(token);
      const event = decoder.push(token);
      if (event && shift) event.notes = transposeNotes(event.notes, shift);
      if (event) {
        stream.first(event);
        for (const listener of stream.listeners) listener(event);
      }
      onToken?.(token, index);
    });
    return followJob(stream, job, (result) => ({
      ...result,
      request,
      decoded: { events: decoder.events, steps: decoder.steps, skipped: decoder.skipped },
    }));
  }

  async function generate(options = {}) {
    await loadModel();
    if (isLeadSheet()) {
      await compose(options);
      return [...lastSolo.tokens];
    }
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
    let onToken = null;
    const stale = lastSolo && (lastSolo.request.progression?.text ?? null) !== (progression?.text ?? null);
    if (stale && !soloOptions) {
      const { primer, progression: _p, ...settings } = lastSolo.request;
      soloOptions = settings; // the progression changed: a new solo with the same settings
    }
    if (soloOptions || !lastSolo) {
      ({ request, onToken } = await soloRequest(soloOptions ?? {}));
      stream = launchStream(request, onToken);
      stream.promise.then((result) => (lastSolo = result), () => {});
    } else {
      stream = doneStream(lastSolo);
      request = { ...lastSolo.request };
    }
    const baseSeed = seedToUint32(request.seed ?? 1);
    const prog = request.progression ? makeProgression(request.progression.text) : null;
    const controller = new LiveSolo({
      stream,
      loopBars: soloLoopBars(prog, baseSoloBars()),
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
    const arrangement = withBacking(soloArrangement({ events: [] }, { loopBars: null }), prog);
    arrangement.parts[0].attach = (context) => controller.attach(context);
    return { arrangement, controller, firstNote, prog };
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
  // swing: the lead sheet's (the drums'); 0 gives its grid.
  async function arrangementFor(song, { swing = 0 } = {}) {
    if (song === 'ai' && isLeadSheet()) {
      const result = await currentSolo();
      return leadSheetArrangement(result.decoded.events, { bars: result.request.bars, swing });
    }
    if (song === 'ai') {
      const result = await currentSolo();
      const prog = progressionOf(result);
      return withBacking(soloArrangement(result.decoded, { loopBars: soloLoopBars(prog, baseSoloBars()) }), prog);
    }
    return songArrangement(await getSong(song));
  }

  function defaultSong() {
    if (songIndex.length) return songIndex[0].id;
    return 'ai';
  }

  // drums, ambience, quote: an id, or null/false for off; true or left out: the current choice
  // (drums default to the first pattern). bpm: overrides the song's tempo (tests, power users).
  // at: 'now' (the default) starts from bar 1; 'next-bar' lets the song take over from the one
  // playing at its next bar line, without a stop (from bar 1 when nothing plays). The result's
  // startBar is that bar, counted from the first play().
  async function play({ song, drums = true, ambience, quote, bpm = null, solo: soloOptions, fresh = false, progression: progressionOption, at = 'now' } = {}) {
    if (at !== 'now' && at !== 'next-bar') throw new Error(`at must be 'now' or 'next-bar', not ${JSON.stringify(at)}`);
    const playCalledAt = performance.now();
    let startBar = null;
    player.unlock(); // synchronously, while a click that called play() still counts as a gesture
    await ready;
    const id = song ?? defaultSong();
    if (progressionOption !== undefined) setProgression(progressionOption);
    bpm = bpm || tempo;
    lastPlay = { song: id, bpm, fresh };
    // A restart stops the AI solo at once; a song taking over at the next bar leaves the one playing
    // alone until the new one is ready (and, should it fail, playing on).
    const switching = at === 'next-bar' && player.playing && !player.paused;
    const previousLive = live;
    if (!switching) previousLive?.stop();
    live = null;
    let controller = null;
    try {
      let arrangement;
      let firstNote = null;
      let loops = layers.loops();
      if (id === 'ai' && isLeadSheet()) {
        ({ arrangement, firstNote, controller, loops } = await liveLeadSheetArrangement({ solo: soloOptions, fresh, playCalledAt }));
      } else if (id === 'ai') {
        const built = await liveSoloArrangement({ solo: soloOptions, fresh, playCalledAt });
        ({ arrangement, firstNote, controller } = built);
        loops = soloLoops(built.prog);
      } else {
        arrangement = await arrangementFor(id);
      }
      const [prepared] = await Promise.all([layers.prepareAll(arrangement, { drums, ambience, quote }), firstNote]);
      previousLive?.stop();
      live = controller;
      const { audible, bar } = await (switching ? player.switchTo(arrangement, prepared, { loops, bpm }) : player.play(arrangement, prepared, { loops, bpm }));
      startBar = bar;
      emit('state', state());
      status.set(
        'audio',
        audible ? 'ok' : 'warn',
        audible ? `Playing ${describe(id)} at ${arrangement.bpm} bpm${switching ? ` from bar ${Math.round(bar) + 1}` : ''}` : 'The browser has not allowed audio yet: press Play again.',
      );
    } catch (err) {
      controller?.stop();
      if (live === controller) live = null;
      if (switching && live === null && previousLive && !previousLive.stopped) live = previousLive; // the old song plays on
      status.set('audio', 'error', `Playback failed: ${err.message}`);
      throw err;
    }
    return { ...state(), startBar };
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
      encoding: meta ? meta.encoding ?? 'timed' : null, // the model's: 'leadsheet' composes, 'timed' generates
      progression: progression?.text ?? null,
      tempo,
      recording: recorder.recording,
      position: player.position,
      generator: solo ? generator.kind : null,
      // The AI solo while it plays: firstNote {triggerMs, soundMs, tokensGenerated, generationDone}.
      solo: live
        ? { pass: live.pass, fresh: live.fresh, generating: live.generating, tokens: live.passes[live.pass]?.tokens.length ?? 0, firstNote: live.firstNote, renewed: live.renewed, repeated: live.repeated, writes: { ...live.writes } }
        : null,
    };
  }

  // Also returns barRms (RMS per bar), timeline (every layer event with its bar) and loopPoints.
  async function renderOfflineApi(options = {}) {
    const { buffer, ...result } = await renderWithBuffer(options);
    return result;
  }

  async function renderWithBuffer({ song, bars = 2, drums = true, ambience, quote, bpm = null } = {}) {
    await ready;
    const id = song ?? defaultSong();
    const arrangement = await arrangementFor(id, { swing: drumSwing(drums) });
    const prepared = await layers.prepareAll(arrangement, { drums, ambience, quote });
    let loops = layers.loops();
    if (id === 'ai') loops = lastSolo.piece ? { ...loops, solo: `${arrangement.loopBars}m` } : soloLoops(progressionOf(lastSolo));
    return renderOffline(arrangement, prepared, { bars, bpm: bpm || tempo, loops, volumes: layers.volumes() });
  }

  // ---- Keep it, share it (issue 7) ----------------------------------------------------------

  const currentSong = () => player.current?.id ?? lastPlay?.song ?? defaultSong();
  const titleOf = (id) => (id === 'ai' ? 'AI solo' : songIndex.find((s) => s.id === id)?.title ?? id);

  // The current track (the AI solo with its progression's chords, or a song) as MIDI bytes.
  async function exportMidi({ song } = {}) {
    await ready;
    const id = song ?? currentSong();
    const arrangement = await arrangementFor(id);
    let bars = arrangement.loopBars;
    if (id === 'ai' && lastSolo.piece) {
      // The lead sheet on its grid: melody, chords and bass, each track the piece's length.
      bars = lastSolo.request.bars;
    } else if (id === 'ai') {
      // The solo as written (up to its loop), the chords repeated under all of it.
      const steps = lastSolo.decoded.steps || 16;
      bars = Math.min(arrangement.loopBars, Math.ceil(steps / 16));
      const backing = arrangement.parts[1];
      if (backing) {
        bars = Math.ceil(bars / backing.loopBars) * backing.loopBars;
        const events = [];
        for (let pass = 0; pass * backing.loopBars < bars; pass++) {
          for (const e of backing.events) {
            const [b, q, x] = e.time.split(':').map(Number);
            events.push({ ...e, time: `${b + pass * backing.loopBars}:${q}:${x}` });
          }
        }
        arrangement.parts[1] = { ...backing, events };
      }
    }
    const bpm = (player.current?.id === id ? player.sessionBpm : null) || tempo || arrangement.bpm;
    const { bytes, notes } = arrangementToMidi(arrangement, { bpm, title: titleOf(id), bars });
    return { bytes, notes, bpm, bars, filename: `${slug(titleOf(id))}.mid` };
  }

  async function renderWav({ song, bars, ...options } = {}) {
    await ready;
    const id = song ?? currentSong();
    if (!bars) {
      const arrangement = await arrangementFor(id);
      const length = id === 'ai' ? Math.ceil((lastSolo.decoded.steps || 16) / 16) : arrangement.loopBars || 8;
      bars = Math.max(1, Math.min(32, length));
    }
    const layerChoice = { drums: true, ...options };
    const { buffer, ...result } = await renderWithBuffer({ song: id, bars, ...layerChoice });
    const blob = new Blob([audioBufferToWav(buffer)], { type: 'audio/wav' });
    return { blob, size: blob.size, rms: result.rms, peak: result.peak, seconds: result.seconds, bars, filename: `${slug(titleOf(id))}.wav` };
  }

  function shareState() {
    const id = currentSong();
    const state = { song: id, ...layers.choices(), bpm: lastPlay?.bpm || tempo || null, progression: progression?.text ?? null, fresh: Boolean(lastPlay?.fresh) };
    if (id === 'ai' && lastSolo) {
      const { seed, temperature, length, bars, topK, topP } = lastSolo.request;
      // The seed, sampling settings, progression and (a lead sheet's) bars make the same piece again.
      state.solo = { seed, temperature, length, ...(lastSolo.piece ? { bars } : {}), topK, topP };
      state.progression = lastSolo.request.progression?.text ?? null;
    }
    return state;
  }

  const pageUrl = () => window.location.href.split('#')[0];

  return {
    ready: ready.then(() => undefined),
    loadModel,
    generate,
    compose,
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
    // Test hook: what the live graph and the sessions have created and disposed (player.js).
    audioStats: () => audioStats(),
    timeline: () => (player.session ? player.session.log.map((e) => ({ ...e })) : []),
    on: (type, listener) => {
      const wrapped = (event) => listener(event.detail);
      events.addEventListener(type, wrapped);
      return () => events.removeEventListener(type, wrapped);
    },
    // Extras beyond the contract, for the UI and for tests.
    defaults: () => (meta ? { ...(meta.defaults || {}) } : null),
    lastSolo: () =>
      lastSolo
        ? { tokens: [...lastSolo.tokens], events: lastSolo.decoded.events.map((e) => ({ ...e })), ...(lastSolo.piece ? { piece: structuredClone(lastSolo.piece) } : {}) }
        : null,
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
    // Issue 7: your chords, your mood, your track to keep (README: "Share, keep and offline").
    parseProgression: (text) => {
      const parsed = parseProgression(text);
      if (parsed.errors.length) return { ok: false, errors: parsed.errors, chords: parsed.chords.map(({ symbol, bar, step, sixteenths }) => ({ symbol, bar, step, sixteenths })) };
      return { ok: true, errors: [], ...progressionInfo(makeProgression(text)) };
    },
    setProgression: async (text) => {
      await ready;
      const info = setProgression(text);
      emit('state', state());
      return info;
    },
    progression: () => progressionInfo(progression),
    setTempo: (bpm) => {
      const value = bpm === null || bpm === undefined || bpm === '' ? null : Number(bpm);
      if (value !== null && !(value >= 30 && value <= 240)) throw new Error('a tempo is 30 to 240 bpm');
      tempo = value;
      return tempo;
    },
    mood: (text) => moodFromText(text),
    applyMood: async (text) => {
      await ready;
      const choice = moodFromText(text);
      setProgression(choice.progression);
      tempo = choice.bpm;
      status.set('mood', 'ok', choice.reason);
      emit('state', state());
      return { ...choice, key: progression.key };
    },
    exportMidi: async (options = {}) => {
      const { bytes, ...rest } = await exportMidi(options);
      return { ...rest, bytes: Array.from(bytes), size: bytes.length };
    },
    readMidi: (bytes) => readMidi(Uint8Array.from(bytes)),
    downloadMidi: async (options = {}) => {
      const { bytes, filename } = await exportMidi(options);
      download(new Blob([bytes], { type: 'audio/midi' }), filename);
      return { filename, size: bytes.length };
    },
    renderWav,
    downloadWav: async (options = {}) => {
      const result = await renderWav(options);
      download(result.blob, result.filename);
      return { filename: result.filename, size: result.size, rms: result.rms, seconds: result.seconds };
    },
    startRecording: async () => {
      await recorder.start();
      status.set('recording', 'busy', 'Recording what is playing…');
      emit('state', state());
      return state();
    },
    stopRecording: async () => {
      const result = await recorder.stop();
      const extension = result.type.includes('ogg') ? 'ogg' : 'webm';
      const filename = `${slug(titleOf(currentSong()))}-recording.${extension}`;
      status.set('recording', 'ok', `Recorded ${result.seconds.toFixed(1)} s (${filename})`);
      emit('state', state());
      return { ...result, size: result.blob.size, filename };
    },
    shareState,
    shareUrl: (shared = shareState()) => `${pageUrl()}#${encodeShare(shared)}`,
    readShareUrl: (url = window.location.href) => decodeShare(url),
    offline: () => offline.info(),
    offlineReady: () => offline.ready(),
    checkForUpdate: () => offline.checkForUpdate(),
    applyUpdate: () => offline.applyUpdate(),
    // bench/generation.py: the seed article's window-per-token method on the same worker and weights.
    benchmarkSeedMethod: async (options = {}) => {
      await loadModel();
      return generator.seedMethod(options);
    },
  };
}
