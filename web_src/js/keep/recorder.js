// Records what is playing, live: Tone.Recorder (MediaRecorder) on the master output. stop()
// resolves to {blob, type, seconds}; the file is WebM/Opus (or whatever the browser records), and
// `seconds` is the length of the audio in it, read from the file itself.

import { Tone } from '../audio/tone.js';

// Decoding at a low rate keeps a long recording's samples small (8 kHz mono-or-stereo floats: about
// 4 MB a minute); the length is the same at any rate.
const DECODE_RATE = 8000;

// The length of the audio in a recorded file. The clock between MediaRecorder's start and stop
// is not it: Chromium's file is about 2 s shorter than that clock over 12 s ("Recorded 12.6 s"
// for a 10.5 s file), the encoder starting late and keeping no duration in the WebM header.
// Falls back on the clock where the browser cannot decode its own recording.
export async function recordedSeconds(blob, clockSeconds) {
  try {
    const context = new OfflineAudioContext(1, 1, DECODE_RATE);
    const audio = await context.decodeAudioData(await blob.arrayBuffer());
    return audio.duration;
  } catch {
    return clockSeconds;
  }
}

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
      const seconds = await recordedSeconds(blob, (performance.now() - startedAt) / 1000);
      return { blob, type: blob.type, seconds };
    },
  };
}
