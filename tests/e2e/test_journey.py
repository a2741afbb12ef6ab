"""A participant on a phone: register, start, answer, reload, lose the network, hand in."""

import pytest
from playwright.sync_api import expect

from tests.e2e import support
from tests.e2e.support import choose, question

pytestmark = pytest.mark.e2e

NEW_PHONE = "0987000111"


def register(page, site) -> None:
    page.goto("/")
    page.locator("header.site nav").get_by_role("link", name="Đăng ký").click()
    expect(page.get_by_role("heading", name="Đăng ký dự thi")).to_be_visible()
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Ngày sinh").fill("1990-09-30")
    page.get_by_label("Giới tính").select_option("nu")
    page.get_by_label("Số điện thoại").fill(NEW_PHONE)
    page.get_by_label("Thư điện tử (email)").fill("hoa.nguyen@example.vn")
    page.get_by_label("Cán bộ, công chức, viên chức").check()

    # The search box narrows the agency list and picks the first match, accents optional.
    search = page.locator("#agency-search")
    expect(search).to_be_visible()
    search.press_sequentially("tu pha")
    expect(page.locator("#agency_id")).to_have_value(str(site.agencies["STP"]))
    expect(page.locator("#agency_id option:checked")).to_have_text("Sở Tư pháp")

    page.get_by_label("Mật khẩu", exact=True).fill("mat-khau-hoa-1")
    page.get_by_label("Nhập lại mật khẩu").fill("mat-khau-hoa-1")
    page.locator("#consent").check()
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_text("Đăng ký thành công")).to_be_visible()


def test_participant_journey(phone_page, site):
    page = phone_page
    context = page.context
    register(page, site)
    user = support.get_user(site.app, NEW_PHONE)
    assert user is not None and user.agency_id == site.agencies["STP"]
    assert user.consent_at is not None

    attempt_id = support.start_round(page, support.MAIN_ROUND_TITLE)
    items = support.attempt_items(site.app, attempt_id)
    assert len(items) == 10
    expect(page.locator("fieldset.question[data-position]")).to_have_count(10)

    # Half the questions: mostly right, one wrong, tapped as on a phone.
    plan = {
        item.position: support.wrong_choice(item)
        if item.position == 2
        else support.right_choice(item)
        for item in items[:5]
    }
    for position, chosen in plan.items():
        choose(page, position, chosen, tap=True)
    support.wait_all_saved(page, plan)

    legends = page.locator("fieldset.question legend").all_inner_texts()
    options = page.locator("label.option").all_inner_texts()
    seconds_sent = int(page.locator("#timer").get_attribute("data-seconds-left"))
    before_reload = support.timer_seconds(page)
    assert 0 < before_reload <= support.MAIN_ROUND_SECONDS

    page.reload()
    expect(page).to_have_url(support.ATTEMPT_URL)
    assert page.locator("fieldset.question legend").all_inner_texts() == legends
    assert page.locator("label.option").all_inner_texts() == options
    for position, chosen in plan.items():
        assert support.checked_values(page, position) == sorted(chosen)
    for item in items[5:]:
        assert support.checked_values(page, item.position) == []
    # The countdown resumes from the server's deadline: not reset, still running down.
    assert int(page.locator("#timer").get_attribute("data-seconds-left")) <= seconds_sent
    after_reload = support.timer_seconds(page)
    assert after_reload <= before_reload + 1  # the display rounds to whole seconds
    page.wait_for_function(
        """limit => { const [m, s] = document.getElementById("timer").textContent.split(":");
                      return Number(m) * 60 + Number(s) < limit; }""",
        arg=min(after_reload, before_reload),
    )

    # Offline: the answers wait in the page (and localStorage) and say so.
    context.set_offline(True)
    offline_plan = {item.position: support.right_choice(item) for item in items[5:7]}
    for position, chosen in offline_plan.items():
        choose(page, position, chosen, tap=True)
    save_state = page.locator("#save-state")
    expect(save_state).to_contain_text("Mất kết nối")
    expect(save_state).to_contain_text("2 câu chờ lưu")
    for position in offline_plan:
        expect(question(page, position).locator(".item-state")).to_have_text("Chờ lưu…")
    stored = {item.position: item.chosen for item in support.attempt_items(site.app, attempt_id)}
    assert all(stored[position] is None for position in offline_plan)

    context.set_offline(False)
    support.wait_all_saved(page, offline_plan)
    stored = {item.position: item.chosen for item in support.attempt_items(site.app, attempt_id)}
    for position, chosen in {**plan, **offline_plan}.items():
        assert stored[position] == sorted(chosen), position

    prediction = page.locator("#prediction")
    prediction.fill("1234")
    prediction.blur()
    expect(page.locator(".prediction .item-state")).to_have_text("Đã lưu")
    assert support.get_attempt(site.app, attempt_id).prediction == 1234

    page.locator("#submit-button").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Bạn đã trả lời 7/10 câu")
    dialog.get_by_role("button", name="Nộp bài").click()

    expect(page).to_have_url(support.RESULT_URL)
    expected = sum(
        support.is_right(chosen, item)
        for item in items
        for chosen in [{**plan, **offline_plan}.get(item.position)]
    )
    expect(page.locator("#correct-count")).to_have_text(f"{expected}/10")
    expect(page.locator(".result")).to_contain_text("1.234")
    attempt = support.get_attempt(site.app, attempt_id)
    assert attempt.status == "submitted"
    assert attempt.correct_count == expected == 6
    assert attempt.prediction == 1234
    final = support.attempt_items(site.app, attempt_id)
    assert sum(support.is_right(item.chosen, item) for item in final) == expected
