// Focus mode: only the scene and a small Play button; the F key, Escape or the button leaves it.

export function bindFocus(button) {
  const set = (on) => {
    document.body.classList.toggle('focus-mode', on);
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Show controls' : 'Focus';
  };
  button.addEventListener('click', () => set(!document.body.classList.contains('focus-mode')));
  return { set, toggle: () => set(!document.body.classList.contains('focus-mode')) };
}
