// Tone.Offline swaps Tone's global context while its callback runs; a live play() started in that
// window would build its nodes in the offline context. Running audio work one job at a time
// avoids that.
let queue = Promise.resolve();
export function exclusive(job) {
  const run = queue.then(job, job);
  queue = run.catch(() => {});
  return run;
}
