"""The same attempt open on two devices: handing in from one must not erase the other's answers."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support

pytestmark = pytest.mark.e2e


def test_handing_in_from_a_stale_tab_keeps_answers_saved_elsewhere(new_context, site):
    phone = new_context().new_page()
    support.log_in(phone, support.TWO_TABS_PHONE)
    attempt_id = support.start_round(phone, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)

    # The same participant continues on a laptop and answers two questions there.
    laptop = new_context(support.DESKTOP, storage_state=phone.context.storage_state()).new_page()
    laptop.goto(f"/bai-thi/{attempt_id}")
    answered = {1: support.right_choice(items[0]), 2: support.right_choice(items[1])}
    for position, chosen in answered.items():
        support.choose(laptop, position, chosen)
    support.wait_all_saved(laptop, answered)

    # Back on the phone, whose page still shows no answers, the participant hands in.
    phone.locator("#submit-button").click()
    phone.locator("#confirm-ok").click()
    expect(phone).to_have_url(support.RESULT_URL)
    stored = support.attempt_items(site.app, attempt_id)
    assert [stored[p - 1].chosen for p in answered] == list(answered.values())
    assert support.get_attempt(site.app, attempt_id).correct_count == 2
