"""Reflow (WCAG 2.2 success criterion 1.4.10): at 320 CSS pixels wide, the width of a 1280-pixel
screen zoomed to 400%, no page of the portal scrolls sideways, except for a data table wider than
the screen (the criterion's exception for content that needs two dimensions): those pages are
printed, and listed as a known issue in the accessibility statement.

Checked for every page the walk finds (tests/accessibility/pages.py) for the anonymous visitor, an
authority lead, an area lead and a national admin. With A11Y_SCREENSHOTS=1, a sample of pages at
320 pixels goes to /tmp/a11y-shots/320/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.accessibility import pages
from tests.accessibility.browser import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
REFLOW_ROLES = ("anonymous", "authority lead", "area lead", "national admin")
SCREENSHOTS = os.environ.get("A11Y_SCREENSHOTS") == "1"
SHOTS = Path("/tmp/a11y-shots/320")
SHOT_SAMPLE = (
    "/accounts/sign-in/",
    "/model/dmm-early-help/1.0/all/",
    "/assessments/",
    "/dimensions/information_governance/",
    "/results/",
    "/review/",
    "/benchmarks/",
    "/action-plan/",
)

# What makes the page wider than the screen: elements whose box reaches past the right edge, or
# whose content (a long word) spills out of their box. Each is named, and whether it is a table.
OVERFLOW_JS = """(width) => {
  const doc = document.documentElement;
  if (doc.scrollWidth <= width) return null;
  const culprit = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(el).position === 'fixed') return false;
    const visible = getComputedStyle(el).overflowX === 'visible';
    const spills = visible && el.scrollWidth > el.clientWidth + 1;
    return box.right > width + 1 || (spills && box.left + el.scrollWidth > width + 1);
  };
  const found = [...document.querySelectorAll('main *')].filter(culprit);
  // The innermost: what is too wide itself, not what merely holds it.
  const inner = found.filter((el) => ![...el.children].some((child) => found.includes(child)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/ +/)
    .join('.') : '') + ' ' + Math.round(el.getBoundingClientRect().width) + 'px';
  return {
    scrollWidth: doc.scrollWidth,
    tables: [...new Set(inner.filter((el) => el.closest('table'))
      .map((el) => name(el.closest('table'))))].slice(0, 3),
    others: inner.filter((el) => !el.closest('table')).map(name).slice(0, 3),
  };
}"""


def test_no_page_scrolls_sideways_at_320_css_pixels(live_server, browser):
    world = pages.build_world()
    walk = pages.walk_with_client(world, roles=REFLOW_ROLES)
    problems = {}
    wide_tables = {}  # pages that scroll sideways only because of a data table
    shot = set()
    checked = 0
    for role in REFLOW_ROLES:
        context = new_context(browser, live_server, world.users[role], width=WIDTH, height=640)
        page = context.new_page()
        for fetched in walk.pages:
            if fetched.role != role or fetched.posted:
                continue
            page.goto(live_server.url + fetched.url)
            checked += 1
            overflow = page.evaluate(OVERFLOW_JS, WIDTH)
            if overflow and (overflow["others"] or not overflow["tables"]):
                problems[fetched.describe()] = overflow
            elif overflow:
                wide_tables[fetched.describe()] = overflow
            path = fetched.page_key[1]
            kind = next((k for k in SHOT_SAMPLE if path.endswith(k)), None)
            if SCREENSHOTS and kind and kind not in shot:
                shot.add(kind)
                SHOTS.mkdir(parents=True, exist_ok=True)
                name = f"{role}-{path}".replace("/", "_").replace(" ", "-")[:120]
                page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        context.close()
    print(
        f"{checked} pages checked at {WIDTH} CSS pixels: {len(problems)} scroll sideways, "
        f"{len(wide_tables)} only because of a data table wider than the screen:"
    )
    for where, overflow in wide_tables.items():
        print(f"  {where}: {', '.join(overflow['tables'])}")
    assert problems == {}, f"Pages that scroll sideways at {WIDTH} CSS pixels:\n" + "\n".join(
        f"{where}: {o['scrollWidth']}px wide, because of {', '.join(o['others'] or ['?'])}"
        for where, o in problems.items()
    )
