"""Parsing what the browser sends: one JSON change, or the whole page as a form.

Every number is a whole number within the bounds of what it counts (so that no value can
overflow a database column), and a save's body is small and shallow: anything else is refused
with a Vietnamese message, never an error page.
"""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from question_bank.models import MAX_OPTIONS

# A save carries one question's choice or the prediction: a few dozen bytes.
MAX_SAVE_BYTES = 4096
MAX_POSITION = 1000
# Predictions count people or entries: far below this, and within a BIGINT.
MAX_PREDICTION = 10**12
# "12345", or digits grouped by thousands as people type them: "12.345", "12,345", "12 345".
PREDICTION_TEXT = re.compile(r"^\d{1,3}(?:([.,\s])\d{3}(?:\1\d{3})*)?$|^\d+$")


class BadPayload(ValueError):
    """The request is malformed; the message is Vietnamese."""


class PayloadTooLarge(BadPayload):
    """The body is larger than what the route ever needs."""


@dataclass(frozen=True)
class Change:
    position: int | None = None
    chosen: tuple[int, ...] = ()
    prediction: int | None = None


def _int(value, what: str, low: int, high: int) -> int:
    """A whole number from JSON or a form field, within [low, high]; floats, booleans and
    text that is not plain digits are refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadPayload(f"{what} không hợp lệ: cần một số nguyên.")
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            raise BadPayload(f"{what} không hợp lệ: cần một số nguyên.")
        value = int(text)
    if not low <= value <= high:
        raise BadPayload(f"{what} phải từ {low} đến {high}.")
    return value


def parse_prediction(raw) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        text = raw.strip()
        if not PREDICTION_TEXT.match(text):
            raise BadPayload("Số dự đoán phải là số nguyên không âm, ví dụ 12345 hoặc 12.345.")
        raw = re.sub(r"[.,\s]", "", text)
    return _int(raw, "Số dự đoán", 0, MAX_PREDICTION)


def read_save_body(body: bytes) -> object:
    """The JSON of a save, refused when it is too large, malformed or nested (Python's parser
    would otherwise recurse through 100,000 brackets)."""
    if len(body) > MAX_SAVE_BYTES:
        raise PayloadTooLarge("Dữ liệu gửi lên quá lớn.")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise BadPayload("Dữ liệu gửi lên không phải JSON hợp lệ.") from error


def parse_save(body) -> Change:
    """{"position": 3, "chosen": [1]} or {"prediction": 12345}."""
    if not isinstance(body, dict):
        raise BadPayload("Dữ liệu gửi lên không hợp lệ.")
    if "prediction" in body:
        return Change(prediction=parse_prediction(body["prediction"]))
    position = _int(body.get("position"), "Số thứ tự câu hỏi", 1, MAX_POSITION)
    chosen = body.get("chosen", [])
    if not isinstance(chosen, list) or len(chosen) > MAX_OPTIONS:
        raise BadPayload("Phương án không hợp lệ.")
    return Change(
        position=position, chosen=tuple(_int(c, "Phương án", 0, MAX_OPTIONS - 1) for c in chosen)
    )


def parse_form(form, items: Sequence) -> tuple[Mapping[int, list[int]], int | None]:
    """Answers from the quiz form's `q<position>` fields, and the prediction field."""
    answers = {}
    for item in items:
        values = form.getlist(f"q{item.position}")
        if len(values) > MAX_OPTIONS:
            raise BadPayload("Phương án không hợp lệ.")
        answers[item.position] = [_int(v, "Phương án", 0, MAX_OPTIONS - 1) for v in values]
    return answers, parse_prediction(form.get("prediction"))
