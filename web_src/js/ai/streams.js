// A worker job's tokens as the stream audio/streamed_track.js follows while the track plays:
// {tokens, decoder, done, failed, result, listeners, firstEvent, promise, cancel}.
// first(value) resolves firstEvent: the track can start.

export function newStream({ tokens, decoder }) {
  let first;
  const stream = { tokens, decoder, done: false, failed: false, result: null, listeners: new Set() };
  stream.firstEvent = new Promise((resolve) => (first = resolve));
  stream.first = (value) => first(value);
  return stream;
}

// Ties a stream to its worker job: finish(result) makes the stream's result when the job ends.
export function followJob(stream, job, cancel, finish) {
  stream.cancel = cancel;
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

// A finished piece as a stream that is already done (replaying the last one).
export function doneStream(result) {
  const promise = Promise.resolve(result);
  return { tokens: result.tokens, decoder: result.decoded, done: true, failed: false, result, listeners: new Set(), promise, firstEvent: promise, cancel: () => {} };
}

// Sends every event to the stream's listeners (the live part, while it plays).
export function publish(stream, events) {
  for (const event of events) for (const listener of stream.listeners) listener(event);
}
