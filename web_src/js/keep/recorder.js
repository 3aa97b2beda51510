// Records what is playing, live: Tone.Recorder (MediaRecorder) on the master output. stop()
// resolves to {blob, type, seconds}; the file is WebM/Opus (or whatever the browser records).

import { Tone } from '../audio/tone.js';

export function createRecorder() {
  let recorder = null;
  let startedAt = 0;
  return {
    get recording() {
      return recorder !== null;
    },
    async start() {
      if (recorder) throw new Error('already recording');
      if (!Tone.Recorder.supported) throw new Error('this browser cannot record audio (no MediaRecorder)');
      recorder = new Tone.Recorder();
      Tone.getDestination().connect(recorder);
      await recorder.start();
      startedAt = performance.now();
    },
    async stop() {
      if (!recorder) throw new Error('not recording');
      const current = recorder;
      recorder = null;
      const blob = await current.stop();
      try {
        Tone.getDestination().disconnect(current);
      } catch {
        // already disconnected
      }
      current.dispose();
      return { blob, type: blob.type, seconds: (performance.now() - startedAt) / 1000 };
    },
  };
}
