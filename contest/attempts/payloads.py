"""Parsing what the browser sends: one JSON change, or the whole page as a form."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from question_bank.models import MAX_OPTIONS


class BadPayload(ValueError):
    """The request is malformed; the message is Vietnamese."""


@dataclass(frozen=True)
class Change:
    position: int | None = None
    chosen: tuple[int, ...] = ()
    prediction: int | None = None


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadPayload(f"{what} không hợp lệ.")
    try:
        return int(value)
    except ValueError as error:
        raise BadPayload(f"{what} không hợp lệ.") from error


def parse_prediction(raw) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace(".", "").replace(",", "").replace(" ", "")
    value = _int(text, "Số dự đoán")
    if value < 0:
        raise BadPayload("Số dự đoán phải là số nguyên không âm.")
    return value


def parse_save(body) -> Change:
    """{"position": 3, "chosen": [1]} or {"prediction": 12345}."""
    if not isinstance(body, dict):
        raise BadPayload("Dữ liệu gửi lên không hợp lệ.")
    if "prediction" in body:
        return Change(prediction=parse_prediction(body["prediction"]))
    position = _int(body.get("position"), "Số thứ tự câu hỏi")
    chosen = body.get("chosen", [])
    if not isinstance(chosen, list) or len(chosen) > MAX_OPTIONS:
        raise BadPayload("Phương án không hợp lệ.")
    return Change(position=position, chosen=tuple(_int(c, "Phương án") for c in chosen))


def parse_form(form, items: Sequence) -> tuple[Mapping[int, list[int]], int | None]:
    """Answers from the quiz form's `q<position>` fields, and the prediction field."""
    answers = {}
    for item in items:
        values = form.getlist(f"q{item.position}")
        if len(values) > MAX_OPTIONS:
            raise BadPayload("Phương án không hợp lệ.")
        answers[item.position] = [_int(v, "Phương án") for v in values]
    return answers, parse_prediction(form.get("prediction"))
