// Keyboard shortcuts. Space pauses and resumes wherever the focus is, except while typing: a
// focused button is pressed with Enter (a list opens with Alt+Down), so Space can never start a
// track over, nor land on whatever control was used last. The up and down arrows are the volume's
// in the same way, on a list too; a slider keeps its own.

const TYPING = 'input:not([type="range"]):not([type="checkbox"]):not([type="radio"]), textarea, [contenteditable="true"]';
const CHOOSING = 'select'; // its letters pick an option; Space is the player's
const LAYER_KEYS = { d: 'drums', a: 'ambience', q: 'quote' };

export function bindKeys({ track, sound, focus }) {
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target instanceof HTMLElement && target.closest(TYPING)) return;
      const key = event.key.toLowerCase();
      if (key === ' ') {
        event.preventDefault(); // not a click on the focused button, not a scroll
        if (!event.repeat) track.togglePlay();
        return;
      }
      const onSlider = target instanceof HTMLElement && target.closest('input') !== null;
      // The arrow keys are the volume's wherever the focus is, a list just used included (a
      // closed list would otherwise change the track); a list's options open with Alt+Down.
      if ((event.key === 'ArrowUp' || event.key === 'ArrowDown') && !onSlider) {
        event.preventDefault(); // a slider keeps its own arrow keys
        sound.nudge('master', event.key === 'ArrowUp' ? 0.05 : -0.05);
        return;
      }
      if (target instanceof HTMLElement && target.closest(CHOOSING)) return;
      if (key === 'k') {
        if (!event.repeat) track.togglePlay();
      } else if (key === 's') track.stop();
      else if (LAYER_KEYS[key]) sound.cycle(LAYER_KEYS[key]);
      else if (key === 'v') sound.toggle('vinyl');
      else if (key === 'm') sound.toggle('master');
      else if (key === 'n') track.nextTune();
      else if (key === 'f') focus.toggle();
      else if (key === 'escape') focus.set(false);
    },
    true, // before a focused button sees the key
  );
  // Space on a button is a click on its keyup: that one is the pause, not the button.
  document.addEventListener(
    'keyup',
    (event) => {
      if (event.key !== ' ') return;
      const target = event.target;
      if (target instanceof HTMLElement && target.closest(TYPING)) return;
      event.preventDefault();
    },
    true,
  );
}
