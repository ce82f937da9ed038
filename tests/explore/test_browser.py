"""The explorer in a real browser: Debian's headless Chromium loads each page of a warehouse of the seeds,
after its scripts and styles, the test reads what it shows (the rendered DOM) and follows its links from the
latest stories to a story, an entity and its events; each page's screenshot is kept in
test-artifacts/explore/ (a desktop width, and a phone's for the story)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT

SHOTS = ROOT / "test-artifacts" / "explore"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        reason = "Chromium is missing (make test installs Debian's package as root)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def render(url: str, shot: str | None = None, width: int = 1200, height: int = 1600) -> str:
    """The page's DOM once loaded, and a screenshot of it when `shot` names one."""
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            f"--window-size={width},{height}", "--virtual-time-budget=5000"]
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120, check=True).stdout
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(base + [f"--screenshot={SHOTS / shot}", url], capture_output=True, timeout=120, check=True)
        assert (SHOTS / shot).stat().st_size > 10_000
    return dom


def test_click_through_story_entity_events_in_chromium(client, seeded):
    base = str(client.base_url).rstrip("/")
    home = render(base + "/", "stories.png")
    assert 'dir="rtl"' in home and "آخر القصص" in home
    story_path = re.findall(r'href="(/story/[0-9a-f]+)"', home)[0]
    story = render(base + story_path, "story.png")
    render(base + story_path, "story-phone.png", width=390, height=1400)
    assert "<svg" in story and "ما جرى" in story and "الاقتباسات" in story
    entity_path = re.findall(r'href="(/entity/[0-9a-f]+)"', story)[0]
    entity = render(base + entity_path, "entity.png")
    assert "<svg" in entity and "يرد معه" in entity
    events_path = re.findall(r'href="(/events\?type=[A-Z_]+)"', entity)[0]
    events = render(base + events_path.replace("&amp;", "&"), "events.png")
    assert 'class="events"' in events and events.count("<tr><td>") >= 1
    hostile = render(base + "/search?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "search-hostile.png")
    assert "<img src=" not in hostile and "لا نتائج" in hostile
