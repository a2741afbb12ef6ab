"""The quiz page stays light for phones on slow networks: HTML, CSS and JS under 100 KB."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e

BUDGET = 100 * 1024


def test_quiz_page_weighs_under_100_kb(new_context, site):
    setup = new_context().new_page()
    support.log_in(setup, support.WEIGHT_PHONE)
    attempt_id = support.start_round(setup, support.MAIN_ROUND_TITLE)
    cookies = setup.context.storage_state()

    # A fresh profile with the same login: an empty cache, as on a participant's first visit.
    page = new_context(storage_state=cookies).new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"/bai-thi/{attempt_id}")
    expect(page.locator("#save-state")).to_have_text("Đã lưu")
    page.wait_for_load_state("load")

    sizes = {}
    for response in responses:
        kind = response.request.resource_type
        if kind in ("document", "stylesheet", "script"):
            assert response.status == 200, response.url
            sent = response.request.sizes()["responseBodySize"]
            sizes[response.url] = max(sent, len(response.body()))
    kinds = {response.request.resource_type for response in responses}
    assert {"document", "stylesheet", "script"} <= kinds
    total = sum(sizes.values())
    assert total < BUDGET, f"quiz page weighs {total} bytes: {sizes}"
