// The AI track: the listener's progression, the last piece the model wrote (a lead sheet, or a
// timed solo) and the arrangements that play it: streamed while the worker writes it (the live
// part follows the stream, audio/streamed_track.js), or whole for the offline render and the MIDI file.

import { createJobs } from './jobs.js';
import { AI_PARTS, AI_ROLES, leadSheetArrangement } from './arrange.js';
import { pieceBars } from './compose.js';
import { seedToUint32 } from './sampling.js';
import { doneStream } from './streams.js';
import { StreamedTrack } from '../audio/streamed_track.js';
import { soloArrangement, withBacking, withSwing } from '../audio/arrangement.js';
import { makeProgression, soloLoopBars } from '../music/progression.js';

export function createAiTrack({ loader, status, catalogue, ready }) {
  let progression = null; // the listener's (music/progression.js makeProgression), or null
  let last = null; // {tokens, seed, settings, request, decoded} (+ piece for a lead sheet)
  const isLeadSheet = () => loader.isLeadSheet();

  // A typed progression is read once where it enters (the chord field, an API call, a play()):
  // text -> its value (music/progression.js makeProgression: chords, bars, key, shift), which
  // then flows as it is to the worker's request, the backing and the status line. The last text
  // read is kept, so the field's check, its setProgression and the Play after it read it once.
  let lastRead = null; // {text, value}
  function readProgression(text) {
    if (text === null || text === undefined || String(text).trim() === '') return null;
    if (typeof text === 'object' && Array.isArray(text.parsed)) return text; // already read
    const source = String(text).trim();
    if (lastRead?.text !== source) lastRead = { text: source, value: makeProgression(source) }; // throws naming a bad symbol
    return lastRead.value;
  }

  // text (or a value read before) -> the current progression (throws naming a bad symbol); null or '' -> none.
  function setProgression(text) {
    progression = readProgression(text);
    return progressionInfo(progression);
  }

  function progressionInfo(prog) {
    if (!prog) return null;
    const { text, bars, chords, key, shift, modelChords } = prog;
    // The AI track's loop: a lead sheet's bars (whole passes of the progression), else the solo's.
    const loop = isLeadSheet() ? pieceBars(null, bars) : soloLoopBars(prog, catalogue.soloLoopBars());
    return { text, bars, chords: chords.map((c) => ({ ...c })), key, shift, modelChords: [...modelChords], soloLoopBars: loop };
  }

  const jobs = createJobs({ loader, status });
  // The worker's request: a progression given with the options is read here, where it enters (and
  // becomes the current one); the job is handed the value, not asked for it.
  function requestFor(options = {}) {
    if (options.progression !== undefined) setProgression(options.progression);
    return jobs.request(options, progression);
  }

  async function write(options) {
    await loader.load(ready);
    const started = performance.now();
    const made = await requestFor(options);
    last = await jobs.launch(made.request, made.onToken).promise;
    return { ms: performance.now() - started, request: made.request };
  }

  // A lead sheet, whole: {tokens, key, chords, melody, ...} (ai/piece.js result()).
  async function compose(options = {}) {
    await loader.load(ready);
    if (!isLeadSheet()) throw new Error(`compose() needs a lead-sheet model; this one's encoding is "${loader.encoding()}": use generate()`);
    const { ms, request } = await write(options);
    status.set('model', 'ok', `Composed ${request.bars} bars (${last.tokens.length} tokens) in ${Math.round(ms)} ms on ${loader.loaded.backend} (in a Web Worker)`);
    return structuredClone({ ...last.piece, seed: last.seed, settings: last.settings });
  }

  // The tokens of a new piece (a lead sheet is composed).
  async function generate(options = {}) {
    await loader.load(ready);
    if (isLeadSheet()) {
      await compose(options);
      return [...last.tokens];
    }
    const { ms } = await write(options);
    status.set('model', 'ok', `Generated ${last.tokens.length} tokens in ${Math.round(ms)} ms on ${loader.loaded.backend} (in a Web Worker)`);
    return [...last.tokens];
  }

  // The last piece was made for another progression than the current one.
  const stale = () => Boolean(last) && (last.request.progression?.text ?? null) !== (progression?.text ?? null);
  // A piece's settings without what the current state decides (the progression, the primer, bars).
  function replaySettings(request) {
    const { primer: _primer, progression: _p, bars: _bars, ...settings } = request;
    return settings;
  }
  const progressionOf = (result) => result?.request?.progression ?? null;

  // The last piece, unless the progression has changed since: then a new one with the same settings.
  async function current() {
    if (last && !stale() && Boolean(last.piece) === isLeadSheet()) return last;
    await generate(last ? replaySettings(last.request) : {});
    return last;
  }

  // The loop lengths for the AI track, on top of the layers' (`loops`).
  function loopsFor(loops, result = last) {
    if (result?.piece) return { ...loops, solo: `${result.request.bars}m` };
    const prog = progressionOf(result);
    return prog ? { ...loops, solo: `${soloLoopBars(prog, catalogue.soloLoopBars())}m` } : loops;
  }

  // The whole piece as an arrangement; `swing` the drums' (audio/swing.js; 0 gives the grid).
  async function arrangement({ swing = null } = {}) {
    const result = await current();
    if (result.piece) return leadSheetArrangement(result.decoded.events, { bars: result.request.bars, swing });
    const prog = progressionOf(result);
    return withSwing(withBacking(soloArrangement(result.decoded, { loopBars: soloLoopBars(prog, catalogue.soloLoopBars()) }), prog), swing);
  }

  // The piece streamed into the player: the track starts as soon as its first bar (a lead sheet)
  // or note (a solo) is written. `solo` (options) asks for a new piece; without it the last one is
  // replayed (or one is made with the defaults). `fresh`: a new piece for every pass (seed + pass).
  // `swing`: the drums' (audio/swing.js), the groove of every part. Resolves to {arrangement,
  // controller, firstNote, loops}.
  async function live({ solo: options, fresh = false, playCalledAt, loops, swing }) {
    await loader.load(ready);
    const leadSheet = isLeadSheet();
    let stream;
    let request;
    const renew = options || !last || stale() || (leadSheet && !last.piece);
    if (renew) {
      const settings = options ?? (last && (!leadSheet || last.piece) ? replaySettings(last.request) : {});
      let onToken;
      ({ request, onToken } = await requestFor(settings));
      stream = jobs.launch(request, onToken);
      stream.promise.then((result) => (last = result), () => {});
    } else {
      stream = doneStream(last);
      request = { ...last.request };
    }
    const baseSeed = seedToUint32(request.seed ?? 1);
    const prog = !leadSheet ? request.progression ?? null : null;
    const controller = new StreamedTrack({
      stream,
      loopBars: leadSheet ? request.bars : soloLoopBars(prog, catalogue.soloLoopBars()),
      fresh,
      playCalledAt,
      swing,
      ...(leadSheet ? { barLength: jobs.barLengthOf(request), roles: AI_ROLES } : {}),
      nextStream: (pass) => jobs.launch({ ...request, seed: (baseSeed + pass) >>> 0 }),
      onPass: (pass, passStream) => {
        if (passStream.result) last = passStream.result;
        keyOf(passStream.result);
      },
    });
    // What the page says of the piece that sounds: the chords it is written over and its key (a
    // lead sheet's once written; the listener's chords' until then).
    controller.progression = request.progression?.text ?? null;
    controller.key = request.progression?.key ?? null;
    const keyOf = (result) => result?.piece?.key && (controller.key = result.piece.key);
    stream.promise.then(keyOf, () => {});
    // Resolves once the first note is known, so the Transport can start: awaited while the player
    // prepares its instruments, in parallel.
    const firstNote = stream.firstEvent.then(async () => {
      controller.readyMs = performance.now() - playCalledAt;
      if (stream.failed) {
        controller.stop();
        await stream.promise; // throws the writing's error
      }
    });
    if (leadSheet) {
      const arrangement = leadSheetArrangement([], { bars: null, swing });
      arrangement.parts.forEach((part, i) => (part.attach = (context) => controller.attach(context, AI_PARTS[i].role)));
      return { arrangement, controller, firstNote, loops: { ...loops, solo: `${request.bars}m` } };
    }
    const arrangement = withSwing(withBacking(soloArrangement({ events: [] }, { loopBars: null }), prog), swing);
    arrangement.parts[0].attach = (context) => controller.attach(context);
    return { arrangement, controller, firstNote, loops: prog ? { ...loops, solo: `${soloLoopBars(prog, catalogue.soloLoopBars())}m` } : loops };
  }

  // The instruments the AI track needs, for warming the graph before its first play (its parts
  // stream, so they get the middle of the keyboard).
  function warmArrangement() {
    const arrangement = isLeadSheet() ? leadSheetArrangement([], { bars: null }) : soloArrangement({ events: [] }, { loopBars: null });
    for (const part of arrangement.parts) part.attach = () => {};
    return arrangement;
  }

  return {
    compose,
    generate,
    live,
    arrangement,
    loopsFor,
    warmArrangement,
    setProgression,
    readProgression,
    progressionInfo,
    progression: () => progression,
    last: () => last,
  };
}
