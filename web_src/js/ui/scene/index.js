// The scene is the page: a full-screen picture per ambience (rain on a window, a fireplace, wind in
// the trees, a creek, a quiet night when there is none) with the music drawn in it.
//
// This part loads with the page and stays small. Right after the first paint it fetches the still
// picture (still.js and the five places, no p5: a few KB) and paints the chosen place on it, moving
// parts included, as they stand: a shared link opens on the picture itself, not a placeholder.
// Until then (and without JavaScript) scene.css paints a sketch of it in the same colours. The
// animation (stage.js and p5, about 430 KB) is fetched STAGE_AFTER_MS after the first note sounds:
// the first note of a part may be a chord or a drum while the melody's first note, the model and
// the samples it needs are still on their way, and none of them must wait behind p5. The picture
// stands still until then. If it cannot load, the scene says so in words, the still picture stays,
// and the music plays on.

export const STAGE_AFTER_MS = 1500;

export function mountScene(handle, { status }) {
  const container = handle.container ?? createContainer();
  let requested = false;
  let still = null; // {picture, frame canvas, module}, once still.js has loaded
  let background = 'night';

  function paintStill() {
    if (!still || still.retired) return;
    const { module, picture, frame } = still;
    if (!picture.paint(background) && frame.dataset.painted === 'true') return;
    const ctx = module.fit(frame, picture.size, module.MOVING_RATIO);
    module.drawFrame(ctx, picture.size, picture.scene, picture.layout, 0, null, 0);
    frame.dataset.painted = 'true';
    container.dataset.drawn = 'true';
  }

  function load() {
    if (requested) return;
    requested = true;
    setTimeout(fetchStage, STAGE_AFTER_MS);
  }
  function fetchStage() {
    Promise.all([import('./stage.js'), stillReady])
      .then(([{ createStage }]) => {
        const stage = createStage(container, still);
        if (still) still.retired = true; // the stage paints the picture from here on
        handle.attach(stage);
      })
      .catch((err) => {
        showMessage(container, 'The animated scene could not load; the music plays on.');
        status.set('scene', 'warn', `Animated scene unavailable (${err.message}); the music plays on.`);
      });
  }

  // After the first paint: the picture must not hold up the page's first view.
  const stillReady = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
    .then(() => import('./still.js'))
    .then((module) => {
      const picture = module.createPicture(container);
      still = { module, picture, frame: module.makeCanvas(container), retired: false };
      paintStill();
      let pending = 0;
      window.addEventListener('resize', () => {
        cancelAnimationFrame(pending);
        pending = requestAnimationFrame(paintStill);
      });
    })
    .catch(() => null); // scene.css's sketch stays; the stage says so if it cannot load either

  // Stands in for the animation until it has loaded: the handle keeps the ambience and the play
  // state, and gives them to the real one when it attaches.
  handle.attach({
    setAmbience(id, chosen) {
      background = chosen || 'night';
      paintStill();
    },
    note: load,
    drum: load,
  });
  return { load };
}

// The page has no #scene of its own: one behind everything else, the size of the viewport.
function createContainer() {
  const container = document.createElement('div');
  container.id = 'scene';
  container.className = 'scene';
  container.setAttribute('aria-hidden', 'true');
  document.body.prepend(container);
  return container;
}

function showMessage(container, text) {
  let message = container.querySelector('.scene-message');
  if (!message) {
    message = document.createElement('p');
    message.className = 'scene-message';
    container.append(message);
  }
  message.textContent = text;
}
