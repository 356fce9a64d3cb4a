"""The keyboard: the skip link, a visible GOV.UK focus style on everything Tab reaches, and
Shift+Tab going back the same way.

The whole assessment journey by keyboard alone (sign in, task list, rate a dimension, confirm its
level, check answers, submit, results: Tab, Shift+Tab, Enter, Space and the arrow keys, no clicks)
is tests/browser/test_assessment_journey.py::test_keyboard_only_officer_completes_a_dimension_and_
lead_submits; the same journey without JavaScript is test_the_journey_works_without_javascript.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accessibility import pages
from tests.accessibility.browser import new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK's focus colour, $govuk-focus-colour (#ffdd00)

# How the focused element shows its focus. GOV.UK's focus style puts the focus colour on the
# element's outline (inputs, selects, textareas), its background (links, buttons, summaries) or
# its box shadow; a radio or checkbox shows it on its label's ::before circle or square.
FOCUS_STYLE_JS = """(yellow) => {
  const el = document.activeElement;
  if (!el || el === document.body) return {ok: false, what: 'nothing has focus'};
  const s = getComputedStyle(el);
  const styles = [s.backgroundColor, s.boxShadow];
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) styles.push(s.outlineColor);
  if (el.matches('input[type=radio], input[type=checkbox]') && el.labels && el.labels[0]) {
    const before = getComputedStyle(el.labels[0], '::before');
    styles.push(before.boxShadow, before.outlineColor);
  }
  const box = el.getBoundingClientRect();
  const label = (el.outerHTML || '').slice(0, 140);
  return {
    ok: styles.some((value) => (value || '').includes(yellow)),
    visible: box.width > 0 && box.height > 0,
    what: label,
  };
}"""


def tab_through(page, limit: int = 250) -> tuple[int, int, list[str]]:
    """Tab from the top of the page to the end (or the limit): how many elements took focus, how
    many Shift+Tab then went back through in reverse order, and the problems (no visible GOV.UK
    focus style, or Shift+Tab out of order)."""
    problems = []
    order: list[str] = []
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE_JS, FOCUS_YELLOW)
        if focus["what"] in order or focus["what"] == "nothing has focus":
            break  # back at the start: every element has had focus
        order.append(focus["what"])
        if not (focus["ok"] and focus["visible"]):
            problems.append(focus["what"])
    # Shift+Tab from the last element: the ones before it, in reverse order.
    page.keyboard.press("Shift+Tab")  # from the browser's own controls back onto the page
    last = page.evaluate(FOCUS_STYLE_JS, FOCUS_YELLOW)["what"]
    back = order[: order.index(last)] if last in order else []
    went_back = 0
    for expected in reversed(back[-5:]):
        page.keyboard.press("Shift+Tab")
        now = page.evaluate(FOCUS_STYLE_JS, FOCUS_YELLOW)["what"]
        if now != expected:
            problems.append(f"Shift+Tab went to {now} instead of {expected}")
            break
        went_back += 1
    return len(order), went_back, problems


def test_the_skip_link_is_first_shows_when_focused_and_moves_to_the_main_content(
    live_server, browser
):
    context = new_context(browser, live_server)
    page = context.new_page()
    for path in (reverse("core:home"), reverse("accounts:login")):
        page.goto(live_server.url + path)
        page.keyboard.press("Tab")
        skip = page.locator(".govuk-skip-link")
        assert page.evaluate("() => document.activeElement.classList.contains('govuk-skip-link')")
        box = skip.bounding_box()
        assert box and box["height"] > 20 and box["width"] > 100, "the skip link does not show"
        assert skip.evaluate("el => getComputedStyle(el).backgroundColor") == FOCUS_YELLOW
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#main-content"
        assert page.evaluate("() => document.activeElement.id") == "main-content"
        page.keyboard.press("Tab")
        assert page.evaluate(
            "() => document.getElementById('main-content').contains(document.activeElement)"
        ), "after the skip link, Tab goes into the main content"
    context.close()


def test_every_element_tab_reaches_shows_the_govuk_focus_style(live_server, browser):
    world = pages.build_world()
    assessment = world.contexts["authority lead"][0]["assessments:pk"][0]
    dimension = world.contexts["authority lead"][0]["dimensions:key"][0]
    agreed = world.contexts["authority lead"][1]["assessments:pk"][0]
    lead_pages = [
        reverse("assessments:list"),
        reverse("assessments:task_list", args=[assessment]),
        reverse("assessments:dimension", args=[assessment, dimension]),
        reverse("evidence:add_file", args=[assessment, dimension]),
        reverse("assessments:check_answers", args=[assessment]),
        reverse("assessments:results", args=[agreed]),
        reverse("actions:plan", args=[agreed]),
        reverse("benchmarking:authority"),
        reverse("accounts:people"),
    ]
    review = world.contexts["area lead"][0]["review:pk"][0]
    by_role = {
        "anonymous": [
            reverse("core:home"),
            reverse("accounts:login"),
            reverse("frameworks:explorer"),
        ],
        "authority lead": lead_pages,
        "area lead": [
            reverse("reviews:dashboard"),
            reverse("reviews:review", args=[review]),
            reverse("benchmarking:area"),
        ],
        "national admin": [reverse("accounts:national_users"), reverse("frameworks:manage_list")],
    }
    problems = {}
    focused = went_back = 0
    for role, paths in by_role.items():
        context = new_context(browser, live_server, world.users[role])
        page = context.new_page()
        for path in paths:
            page.goto(live_server.url + path)
            assert page.url.startswith(live_server.url + path), (role, path, page.url)
            count, back, found = tab_through(page)
            assert count > 5, f"only {count} elements took focus on {path}"
            focused += count
            went_back += back
            if found:
                problems[f"{role}: {path}"] = found
        context.close()
    pages_checked = sum(map(len, by_role.values()))
    print(f"{focused} elements took focus on {pages_checked} pages; Shift+Tab: {went_back}")
    assert went_back >= 3 * pages_checked, "Shift+Tab did not go back through the pages"
    assert problems == {}, "\n".join(
        f"{where}: no visible GOV.UK focus style on\n  " + "\n  ".join(found)
        for where, found in problems.items()
    )
