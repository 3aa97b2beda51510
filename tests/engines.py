"""One small driver per browser engine, so that the same test runs in Chromium, Firefox and WebKit.

Playwright drives Chromium (Debian's binary, tests/browser.py). Its Firefox and WebKit need its own
patched builds, which cannot be downloaded here, so the other two engines are driven through their
standard automation protocols, with nothing but the standard library:

- Firefox: WebDriver BiDi, built into Firefox (`--remote-debugging-port`), over a WebSocket (a
  minimal client below). No geckodriver: Debian does not package it and PyPI has none to install.
- WebKit: WebKitGTK's WebKitWebDriver (Debian's webkit2gtk-driver), W3C WebDriver over HTTP+JSON,
  driving MiniBrowser on a virtual X display (WebKitGTK has no headless mode).

Every engine offers the same few calls: open(url), evaluate(expression) (awaits a promise; the value
comes back through JSON), click(selector), press(key), screenshot() (PNG bytes), close(). Scripts go
through each protocol's own evaluation, which the page's Content-Security-Policy does not cover.

The page is served with two test-only scripts before its own (hooked_server): the site's debug hooks
(assets/debug.js: lofi.outputRms()) and a collector of the page's errors (window.__testErrors), which
the WebDriver engines cannot add the way Playwright's init scripts do.
"""

from __future__ import annotations

import base64
import glob
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from builder.serve import make_server

from .browser import installed_browser

ENGINES = ("chromium", "firefox", "webkit")
WIDTH, HEIGHT = 1280, 800
SCRIPT_TIMEOUT_S = 120  # a promise the page takes longer than this to settle is a failure
START_TIMEOUT_S = 60
# Resolves once the page's main thread has answered five 50 ms timers in a row on time (or after
# 5 s whatever happens): nothing long is running there.
CALM = """new Promise((resolve) => {
  const start = performance.now();
  let last = start;
  let calm = 0;
  const tick = () => {
    const now = performance.now();
    calm = now - last < 80 ? calm + 1 : 0;
    last = now;
    if (calm >= 5 || now - start > 5000) resolve(true);
    else setTimeout(tick, 50);
  };
  setTimeout(tick, 50);
})"""

# ---- the page, with the test hooks ------------------------------------------------------------

HOOKS_PATH = "__test_hooks.js"
# Collects uncaught errors, rejected promises, console.error calls and CSP violations, from the first
# script on. Served as a file: the page's policy allows no inline script.
HOOKS_JS = """
window.__testErrors = [];
window.addEventListener('error', (e) => window.__testErrors.push(`error: ${e.message} ${e.filename}:${e.lineno}`));
window.addEventListener('unhandledrejection', (e) => window.__testErrors.push(`unhandledrejection: ${e.reason}`));
document.addEventListener('securitypolicyviolation', (e) =>
  window.__testErrors.push(`csp: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
const consoleError = console.error.bind(console);
console.error = (...args) => {
  window.__testErrors.push(`console: ${args.map(String).join(' ')}`);
  consoleError(...args);
};
"""
HOOK_TAGS = f'<script src="{HOOKS_PATH}"></script><script src="assets/debug.js"></script>'


def hooked_server(dist: Path, base: str = "/lofi-player/"):
    """A server of `dist` at `base` (builder/serve.py's) whose index.html loads the test hooks first:
    (server, url), serving in a daemon thread. Offline, the hooks are not there (the service worker
    keeps only the site's own files), and the page runs without them."""
    server = make_server(dist, base)
    handler = server.RequestHandlerClass  # functools.partial(SubPathHandler subclass, directory=...)
    index = (dist / "index.html").read_text(encoding="utf-8")
    head = index.index("<script")  # the page's own first script: the hooks go right before it
    hooked = (index[:head] + HOOK_TAGS + index[head:]).encode("utf-8")
    html, script = "text/html; charset=utf-8", "text/javascript"
    pages = {base: (hooked, html), base + "index.html": (hooked, html), base + HOOKS_PATH: (HOOKS_JS.encode(), script)}

    class Hooked(handler.func):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            page = pages.get(self.path.split("?")[0])
            if page is None:
                return super().do_GET()
            body, kind = page
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server.RequestHandlerClass = type(handler)(Hooked, *handler.args, **handler.keywords)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{base}"


def wrap(expression: str) -> str:
    """A script that awaits `expression` and gives its value as JSON text (undefined as null)."""
    return f"(async () => JSON.stringify((await ({expression})) ?? null))()"


class EngineError(RuntimeError):
    pass


class Engine:
    """One browser with one page. Subclasses implement _evaluate (returns the JSON text), _navigate,
    _actions (W3C input actions), screenshot and close."""

    name = ""

    def open(self, url: str) -> None:
        """A fresh load of `url` (by way of a blank page: a link that differs only in its hash would
        otherwise not load the page again); waits until the player is wired up (lofi.ready)."""
        self._navigate("about:blank")
        self._navigate(url)
        self.wait_for("window.lofi !== undefined", timeout=START_TIMEOUT_S)
        self.evaluate("window.lofi.ready")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (a promise is awaited), through JSON."""
        return json.loads(self._evaluate(wrap(expression)))

    def wait_for(self, expression: str, timeout: float = 30, interval: float = 0.1) -> None:
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({expression})"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: timed out after {timeout} s waiting for {expression}")
            time.sleep(interval)

    def errors(self) -> list[str]:
        return self.evaluate("window.__testErrors ?? []")

    def click(self, selector: str) -> None:
        """A real pointer click in the middle of the element (a user gesture, as a listener's): the
        pointer comes over it first, the page is left to answer that (the first sign of a listener
        starts the audio graph's build, a few hundred ms of main thread), then the button goes down
        and up. WebKitGTK's driver can drop a press that lands while the page is busy, with no click
        event at all: a click the browser never delivered is pressed again, once the page is calm."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
        )
        x, y = round(box["x"]), round(box["y"])
        move = {"type": "pointerMove", "x": x, "y": y, "origin": "viewport"}
        self._pointer([move])
        for _ in range(2):
            self.evaluate(CALM)
            self.evaluate(
                f"(() => {{ window.__clickSeen = false; document.querySelector({json.dumps(selector)})"
                ".addEventListener('click', () => (window.__clickSeen = true), {once: true, capture: true}); return true; })()"
            )
            # From the same place: releasing the actions before may have forgotten the pointer.
            self._pointer([move, {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}])
            if self.evaluate("window.__clickSeen"):
                return
        raise EngineError(f"{self.name}: a click on {selector} was never delivered")

    def _pointer(self, actions: list) -> None:
        self._actions([{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": actions}])

    def press(self, key: str) -> None:
        """A key press (a single character, ' ' for Space) sent to the focused element."""
        self._actions(
            [
                {
                    "type": "key",
                    "id": "keyboard",
                    "actions": [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}],
                }
            ]
        )

    def screenshot(self) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


# ---- Chromium: Playwright -----------------------------------------------------------------------


class Chromium(Engine):
    name = "chromium"

    def __init__(self, env: dict):
        from playwright.sync_api import sync_playwright

        from .browser import CHROMIUM_ARGS, chromium_path

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS, env=env
            )
            self._context = self._browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            self.page = self._context.new_page()
        except Exception:
            self._playwright.stop()
            raise

    def _navigate(self, url: str) -> None:
        self.page.goto(url)

    def _evaluate(self, script: str) -> str:
        return self.page.evaluate(f"() => {script}")

    def _actions(self, actions: list) -> None:
        for source in actions:
            for action in source["actions"]:
                kind = action["type"]
                if kind == "pointerMove":
                    self.page.mouse.move(action["x"], action["y"])
                elif kind == "pointerDown":
                    self.page.mouse.down()
                elif kind == "pointerUp":
                    self.page.mouse.up()
                elif kind == "keyDown":
                    self.page.keyboard.down("Space" if action["value"] == " " else action["value"])
                elif kind == "keyUp":
                    self.page.keyboard.up("Space" if action["value"] == " " else action["value"])

    def screenshot(self) -> bytes:
        return self.page.screenshot()

    def close(self) -> None:
        try:
            self._browser.close()
        finally:
            self._playwright.stop()


# ---- Firefox: WebDriver BiDi over a WebSocket ----------------------------------------------------


class WebSocket:
    """The least of RFC 6455 a WebDriver BiDi client needs: text messages, masked from the client,
    any length, fragmented or not, pings answered."""

    def __init__(self, host: str, port: int, path: str, timeout: float):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise EngineError("firefox: the WebDriver BiDi socket closed during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise EngineError(f"firefox: WebDriver BiDi refused the connection: {head.splitlines()[0]!r}")

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(max(65536, size - len(self.buffer)))
            if not chunk:
                raise EngineError("firefox: the WebDriver BiDi socket closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def send(self, text: str, opcode: int = 1) -> None:
        payload = text.encode() if isinstance(text, str) else text
        size = len(payload)
        if size < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def receive(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            opcode, size = first & 0x0F, second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._read(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._read(8))
            payload = self._read(size)  # a server's frames are not masked
            if opcode == 0x9:
                self.send(payload, opcode=0xA)
                continue
            if opcode == 0x8:
                raise EngineError("firefox: WebDriver BiDi closed the connection")
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self) -> None:
        self.sock.close()


# Autoplay allowed (Web Audio starts without a click, as Chromium's --autoplay-policy flag does),
# and no first-run pages, updates or telemetry on a machine without internet.
FIREFOX_PREFS = {
    "media.autoplay.default": 0,
    "media.autoplay.blocking_policy": 0,
    "media.autoplay.block-webaudio": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
}


def firefox_path() -> str:
    return installed_browser("Firefox", "FIREFOX_PATH", ("firefox-esr", "firefox"))


class Firefox(Engine):
    name = "firefox"

    def __init__(self, env: dict):
        self._profile = tempfile.mkdtemp(prefix="lofi-firefox-")
        Path(self._profile, "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items())
        )
        self._log = tempfile.TemporaryFile()
        # Port 0: Firefox picks a free port and says which on stderr.
        self._process = subprocess.Popen(
            [firefox_path(), "--headless", "--no-remote", "--profile", self._profile, "--remote-debugging-port=0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**env, "MOZ_CRASHREPORTER_DISABLE": "1"},
        )
        self._next_id = 0
        try:
            port = self._bidi_port()
            self._ws = WebSocket("127.0.0.1", port, "/session", timeout=SCRIPT_TIMEOUT_S)
            self._command("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
            self._context = self._command("browsingContext.getTree", {})["contexts"][0]["context"]
            self._command(
                "browsingContext.setViewport",
                {"context": self._context, "viewport": {"width": WIDTH, "height": HEIGHT}},
            )
        except Exception:
            self.close()
            raise

    def _bidi_port(self) -> int:
        """Reads stderr until Firefox says "WebDriver BiDi listening on ws://127.0.0.1:PORT"; the rest
        of stderr drains in a thread so that Firefox never blocks on a full pipe."""
        result: list = []
        found = threading.Event()

        def read():
            for raw in self._process.stderr:
                line = raw.decode("utf-8", "replace")
                if not found.is_set() and "WebDriver BiDi listening on ws://" in line:
                    result.append(int(line.rsplit(":", 1)[1].strip().strip("/")))
                    found.set()

        threading.Thread(target=read, daemon=True).start()
        if not found.wait(START_TIMEOUT_S):
            raise EngineError(f"firefox: no WebDriver BiDi port within {START_TIMEOUT_S} s")
        return result[0]

    def _command(self, method: str, params: dict):
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self._ws.receive())
            if message.get("id") != ident:
                continue  # an event: the tests read the page's state, not the event stream
            if message.get("type") == "error":
                raise EngineError(f"firefox: {method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def _navigate(self, url: str) -> None:
        self._command("browsingContext.navigate", {"context": self._context, "url": url, "wait": "complete"})

    def _evaluate(self, script: str) -> str:
        result = self._command(
            "script.evaluate",
            {"expression": script, "target": {"context": self._context}, "awaitPromise": True},
        )
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise EngineError(f"firefox: {details.get('text')}")
        return result["result"]["value"]

    def _actions(self, actions: list) -> None:
        self._command("input.performActions", {"context": self._context, "actions": actions})
        self._command("input.releaseActions", {"context": self._context})

    def screenshot(self) -> bytes:
        return base64.b64decode(self._command("browsingContext.captureScreenshot", {"context": self._context})["data"])

    def close(self) -> None:
        try:
            if getattr(self, "_ws", None):
                try:
                    self._command("session.end", {})
                except (EngineError, OSError):
                    pass
                self._ws.close()
        finally:
            stop(self._process)
            shutil.rmtree(self._profile, ignore_errors=True)


# ---- WebKit: WebKitWebDriver (W3C WebDriver over HTTP) ---------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def webkit_paths() -> tuple[str, str]:
    """(WebKitWebDriver, MiniBrowser): Debian puts MiniBrowser under the library's own folder."""
    driver = os.environ.get("WEBKIT_DRIVER_PATH") or shutil.which("WebKitWebDriver")
    browsers = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"))
    browser = os.environ.get("WEBKIT_BROWSER_PATH") or (browsers[-1] if browsers else None)
    if not driver or not browser:
        raise RuntimeError("WebKitWebDriver or MiniBrowser not found: run scripts/install-browsers.sh")
    return driver, browser


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A virtual X display on a free number (Xvfb writes the number it took): (process, ':N')."""
    if not shutil.which("Xvfb"):
        raise RuntimeError("Xvfb not found: run scripts/install-browsers.sh")
    read, write = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{WIDTH}x{HEIGHT + 200}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        stop(process)
        raise EngineError("webkit: Xvfb did not start")
    return process, f":{number}"


class WebKit(Engine):
    name = "webkit"

    def __init__(self, env: dict):
        driver, browser = webkit_paths()
        self._xvfb = self._driver = None
        self._session = None
        try:
            self._xvfb, display = start_xvfb()
            self._port = free_port()
            self._driver = subprocess.Popen(
                [driver, f"--port={self._port}"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**env, "DISPLAY": display},
            )
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    self._request("GET", "/status")
                    break
                except (OSError, EngineError):
                    if time.monotonic() > deadline or self._driver.poll() is not None:
                        raise EngineError("webkit: WebKitWebDriver did not start") from None
                    time.sleep(0.2)
            capabilities = {
                "webkitgtk:browserOptions": {"binary": browser, "args": ["--automation", "--autoplay-policy=allow"]}
            }
            created = self._request("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})
            self._session = f"/session/{created['sessionId']}"
            self._request("POST", f"{self._session}/timeouts", {"script": SCRIPT_TIMEOUT_S * 1000})
            self._request("POST", f"{self._session}/window/rect", {"width": WIDTH, "height": HEIGHT})
        except Exception:
            self.close()
            raise

    def _request(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self._port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=SCRIPT_TIMEOUT_S + 30) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            value = json.loads(error.read() or b"{}").get("value", {})
            raise EngineError(
                f"webkit: {path.rsplit('/', 1)[-1]}: {value.get('error')}: {value.get('message')}"
            ) from None

    def _navigate(self, url: str) -> None:
        self._request("POST", f"{self._session}/url", {"url": url})

    def _evaluate(self, script: str) -> str:
        # The asynchronous form, with its callback: a promise's value or its error comes back either way.
        body = (
            "const done = arguments[arguments.length - 1];"
            f"{script}.then(done, (e) => done(JSON.stringify({{__error: String(e && e.stack || e)}})));"
        )
        text = self._request("POST", f"{self._session}/execute/async", {"script": body, "args": []})
        value = json.loads(text)
        if isinstance(value, dict) and set(value) == {"__error"}:
            raise EngineError(f"webkit: {value['__error']}")
        return text

    def _actions(self, actions: list) -> None:
        self._request("POST", f"{self._session}/actions", {"actions": actions})
        self._request("DELETE", f"{self._session}/actions")

    def screenshot(self) -> bytes:
        return base64.b64decode(self._request("GET", f"{self._session}/screenshot"))

    def close(self) -> None:
        try:
            if self._session:
                try:
                    self._request("DELETE", self._session)
                except (EngineError, OSError):
                    pass
        finally:
            stop(self._driver)
            stop(self._xvfb)


def launch_engine(name: str, pulse_server: str) -> Engine:
    """Engine `name`, its sound going to the PulseAudio server at `pulse_server` (start_null_sink)."""
    env = {**os.environ, "PULSE_SERVER": pulse_server}
    return {"chromium": Chromium, "firefox": Firefox, "webkit": WebKit}[name](env)


# ---- an audio device: a PulseAudio null sink -------------------------------------------------------


def start_null_sink(folder: Path) -> tuple[subprocess.Popen, str]:
    """A PulseAudio daemon of this test run's own with one null sink, at a socket in `folder`: a
    headless browser then has an audio device, and its AudioContext runs as on a listener's machine.
    Returns (daemon, its address for PULSE_SERVER)."""
    binary = shutil.which("pulseaudio")
    if not binary:
        raise RuntimeError("pulseaudio not found: run scripts/install-browsers.sh")
    socket_path = folder / "native"
    process = subprocess.Popen(
        [
            binary,
            "--daemonize=no",
            "-n",  # no default.pa: only the two modules below
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--disallow-exit",
            "--load=module-null-sink sink_name=lofi_null",
            f"--load=module-native-protocol-unix socket={socket_path} auth-anonymous=1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder), "XDG_CONFIG_HOME": str(folder)},
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise EngineError("pulseaudio: the null sink did not start")
        time.sleep(0.05)
    return process, f"unix:{socket_path}"
