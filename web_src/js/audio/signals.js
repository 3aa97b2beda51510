// Every Tone.js Signal (a frequency, a detune, a filter's cutoff...) runs a native
// ConstantSourceNode. Tone.js 15 never stops that node when the Signal is disposed:
// ToneConstantSource.dispose() schedules the stop, and when the scheduled stop comes the source
// already reads "stopped", so the node's stop() is skipped. Chromium keeps a started source node
// alive, and rendering, until it stops, so each disposed Signal leaves one behind for good.
//
// The AI track's bass is a PolySynth of MonoSynths, twelve Signals a voice. A PolySynth makes
// voices as notes overlap and disposes the idle ones as fewer play at once; on a busy machine,
// late callbacks bunch notes together, so voices come and go all session long and hundreds of
// running nodes piled up (tests/test_long_session_browser.py). Stopping the node when its Signal
// is disposed lets the browser collect it.

import { ToneConstantSource } from 'tone/build/esm/signal/ToneConstantSource.js';

const dispose = ToneConstantSource.prototype.dispose;

if (!dispose.lofiStopsSource) {
  const disposeAndStop = function disposeAndStop() {
    try {
      this._source?.stop();
    } catch {
      // Never started (its context never ran): there is nothing to stop.
    }
    return dispose.call(this);
  };
  disposeAndStop.lofiStopsSource = true;
  ToneConstantSource.prototype.dispose = disposeAndStop;
}
