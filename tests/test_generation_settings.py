"""The AI solo's settings (temperature, top-k, top-p, length, seed, bars) mean the same everywhere:
site.toml's checks (builder/config.py), the page's generator and share links (web_src/js/ai/settings.js,
keep/share.js) and the form (web_src/templates/index.html) take their defaults and ranges from
web_src/js/ai/generation_settings.json, and accept and refuse the same values."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser

import pytest

from builder import config
from builder.site import render_page

from .node_script import REPO, run_node

SETTINGS = json.loads((REPO / "web_src" / "js" / "ai" / "generation_settings.json").read_text())
# site.toml's name -> the page's
SITE_NAMES = {"temperature": "temperature", "top_k": "topK", "top_p": "topP", "length": "length", "seed": "seed"}
# the page's name -> the form's input and share links' key
FORM_IDS = {
    "temperature": "temperature",
    "topK": "top-k",
    "topP": "top-p",
    "length": "length",
    "seed": "seed",
    "bars": "bars",
}
LINK_KEYS = {"temperature": "temp", "topK": "topk", "topP": "topp", "length": "len", "bars": "bars"}

NODE_RUNNER = r"""
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [casesPath, root] = process.argv.slice(1);
const load = (path) => import(pathToFileURL(`${root}/${path}`).href);
const { GENERATION_DEFAULTS, GENERATION_RANGES, inRange } = await load('web_src/js/ai/settings.js');
const { decodeShare } = await load('web_src/js/keep/share.js');
const { MAX_BARS } = await load('web_src/js/ai/compose.js');
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));
const links = cases.map(({ key, name, value }) => {
  const solo = decodeShare(`#v=1&song=ai&${key}=${value}`).solo;
  return { inRange: inRange(name, value), kept: solo[name] !== undefined };
});
console.log(JSON.stringify({ defaults: GENERATION_DEFAULTS, ranges: GENERATION_RANGES, composeBars: MAX_BARS, links }));
"""


def edge_cases() -> list[dict]:
    """Each linked setting at both ends of its range and just outside them."""
    cases = []
    for name, key in LINK_KEYS.items():
        low, high = SETTINGS["ranges"][name]
        step = 0.5 if isinstance(low, int) and isinstance(high, int) else 0.005
        for value, inside in ((low, True), (high, True), (low - step, False), (high + step, False)):
            cases.append({"name": name, "key": key, "value": value, "inside": inside})
    return cases


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    cases = edge_cases()
    return cases, run_node(NODE_RUNNER, cases, tmp_path_factory.mktemp("settings"))


def test_site_toml_takes_its_defaults_and_ranges_from_the_shared_file():
    assert config.DEFAULTS["generation"] == {site: SETTINGS["defaults"][name] for site, name in SITE_NAMES.items()}
    for site, name in SITE_NAMES.items():
        assert config.LIMITS["generation", site] == tuple(SETTINGS["ranges"][name])


def test_the_generator_and_links_read_the_same_defaults_and_ranges(page):
    _, result = page
    assert result["defaults"] == SETTINGS["defaults"]
    assert result["ranges"] == SETTINGS["ranges"]
    assert result["composeBars"] == SETTINGS["ranges"]["bars"][1]  # ai/compose.js's own limit


def test_a_link_keeps_exactly_the_values_site_toml_accepts(page):
    cases, result = page
    for case, link in zip(cases, result["links"]):
        assert link == {"inRange": case["inside"], "kept": case["inside"]}, case
        site = next((site for site, name in SITE_NAMES.items() if name == case["name"]), None)
        if site is not None:
            settings = copy.deepcopy(config.DEFAULTS)
            settings["generation"][site] = case["value"]
            assert (not config.range_problems(settings)) == case["inside"], case


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and "id" in attributes:
            self.inputs[attributes["id"]] = attributes


def test_the_forms_first_values_and_ranges_are_the_shared_ones(tmp_path):
    render_page(REPO / "web_src", tmp_path, {"title": "T", "description": "D"}, [])
    parser = _Inputs()
    parser.feed((tmp_path / "index.html").read_text(encoding="utf-8"))
    for name, input_id in FORM_IDS.items():
        field = parser.inputs[input_id]
        if name in SETTINGS["defaults"]:
            assert float(field["value"]) == SETTINGS["defaults"][name], name
        if field.get("type") == "number":
            assert [float(field["min"]), float(field["max"])] == SETTINGS["ranges"][name], name
