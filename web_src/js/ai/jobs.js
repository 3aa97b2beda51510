// The AI track's worker jobs, each as a stream (ai/streams.js) of events for the live part:
// a lead sheet composed over a plan of chords (the lead-sheet model), or a timed solo generated
// token by token and decoded as it comes (the other encodings).

import { createDecoder } from './decode.js';
import { seedToUint32 } from './sampling.js';
import { pieceBars, requestPlan } from './compose.js';
import { createPieceBuilder } from './piece.js';
import { followJob, newStream, publish } from './streams.js';
import { transposeNotes } from '../music/progression.js';
import { progressionPrimer } from './primer.js';
import { sixteenthsPerBar } from '../music/time.js';

// A piece's bars are its progression's (the value carries its meter and bar length); a free
// piece's are 4/4, as every training piece's.
const FREE_METER = [4, 4];
const meterOf = (request) => request.progression?.meter ?? FREE_METER;
const barLengthOf = (request) => request.progression?.barLength ?? sixteenthsPerBar(...FREE_METER);

// Options without the empty ones and the callbacks: plain data for the worker.
const plainOptions = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== null && v !== '' && typeof v !== 'function'));

export function createJobs({ loader, status }) {
  // ---- The lead sheet: the model writes a melody over chords (the listener's, or its own). ----

  // Composition options with the defaults filled in. The progression (`current`: the value the
  // track read where it entered, or null) puts the model in FOLLOW mode; none, in FREE mode. A lead
  // sheet's size is `bars`: a solo's `length` (tokens) is kept only as the form gave it (a share
  // link carries it back), and `primer` does not apply.
  function composeRequest(options = {}, current = null) {
    const { meta } = loader;
    if (!loader.isLeadSheet()) throw new Error(`compose() needs a lead-sheet model; this one's encoding is "${meta.encoding ?? 'timed'}": use generate()`);
    const { onToken, progression: _given, primer: _primer, ...rest } = options;
    const { length: _length, ...defaults } = meta.defaults || {};
    const given = plainOptions(rest);
    const bars = pieceBars(given.bars, current?.bars ?? null);
    // The progression as read where it entered (its chords and key), not read again here.
    return { request: { ...defaults, ...given, bars, progression: current }, onToken };
  }

  // The plan (ai/compose.js) for a request: the listener's chords over the bars, or a free piece.
  const planFor = (request) => requestPlan({ progression: request.progression, seed: request.seed ?? 1, bars: request.bars, vocab: loader.vocab(), barLength: barLengthOf(request) });

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

  // Starts a composition in the worker and builds the piece as its tokens stream in (ai/piece.js).
  // Its firstEvent resolves once the first bar is written, so the track starts with its first
  // chord and bass note in place.
  function launchCompose(request, onToken = null) {
    const { generator } = loader;
    const plan = planFor(request);
    reportChords(plan);
    const meter = meterOf(request);
    const builder = createPieceBuilder(plan, { meter, seed: request.seed ?? 1 });
    const stream = newStream({ tokens: builder.tokens, decoder: builder });
    const { progression: _p, ...options } = request;
    const job = generator.compose({ ...options, changes: plan.changes, meter: meter.join('/') }, (token, index) => {
      publish(stream, builder.push(token));
      if (builder.barsDone >= 1) stream.first(true);
      onToken?.(token, index);
    });
    return followJob(stream, job, () => generator.cancel(job.id), (result) => ({
      ...result,
      request,
      piece: builder.result(),
      decoded: { events: builder.events, steps: request.bars * barLengthOf(request), skipped: builder.skipped },
    }));
  }

  // ---- The timed solo: generated token by token, primed by the progression. ----

  // Generation options with the primer resolved and the defaults filled in. The progression
  // (`current`, when one was given or no explicit primer is) primes the solo in C major / A minor;
  // `progression.shift` moves its notes back (launchSolo).
  async function soloRequest(options = {}, current = null) {
    const { meta } = loader;
    const { onToken, progression: chosen, ...rest } = options;
    const prog = chosen !== undefined || !rest.primer ? current : null;
    const primer = rest.primer ?? (prog ? progressionPrimer(prog, meta.vocab) : undefined);
    const request = { ...rest, primer: await loader.resolvePrimer(primer) };
    const given = Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined && v !== null && v !== ''));
    return { request: { ...(meta.defaults || {}), ...given, progression: prog }, onToken };
  }

  // Starts a generation in the worker and decodes its tokens as they stream in. onToken(token,
  // index) is called for every token.
  function launchSolo(request, onToken = null) {
    const { generator } = loader;
    const decoder = createDecoder({ seed: seedToUint32(request.seed ?? 1) });
    const shift = -(request.progression?.shift ?? 0); // back from C major / A minor to the progression's key
    const stream = newStream({ tokens: [], decoder });
    const { progression: _p, ...options } = request;
    const job = generator.generate(options, (token, index) => {
      stream.tokens.push(token);
      const event = decoder.push(token);
      if (event && shift) event.notes = transposeNotes(event.notes, shift);
      if (event) {
        stream.first(event);
        publish(stream, [event]);
      }
      onToken?.(token, index);
    });
    return followJob(stream, job, () => generator.cancel(job.id), (result) => ({
      ...result,
      request,
      decoded: { events: decoder.events, steps: decoder.steps, skipped: decoder.skipped },
    }));
  }

  // The request for `options` over `current` (the progression value, or null) and its launch,
  // whichever the model's encoding.
  async function request(options = {}, current = null) {
    return loader.isLeadSheet() ? composeRequest(options, current) : soloRequest(options, current);
  }
  function launch(request, onToken = null) {
    return loader.isLeadSheet() ? launchCompose(request, onToken) : launchSolo(request, onToken);
  }

  return { request, launch, barLengthOf };
}
