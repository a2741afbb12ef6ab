"""Moodle GIFT: multiple-choice questions (single and multiple answer).

Supported: ``// comments``, ``::title::``, ``[html]``-style format markers
(removed, the text is kept literally), ``$CATEGORY:`` (its last path segment
becomes the topic), ``=right`` / ``~wrong``, weighted ``~%50%`` answers (a
positive weight is a correct answer), ``#feedback`` (dropped) and the escapes
``\\~ \\= \\# \\{ \\} \\: \\n``. True/false questions become two options "Đúng" /
"Sai". Other question types are skipped with an ``unsupported_question`` warning.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from .collect import Collector
from .models import DEFAULT_LIMITS, Limits, ParseResult
from .text import clean_str

_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:[.,]\d+)?)%")
_TRUE_FALSE = {"t": 0, "true": 0, "f": 1, "false": 1}
_ESCAPED = {"n": "\n"}


def read_gift(
    text: str,
    *,
    existing_keys: Collection[str] = (),
    limits: Limits = DEFAULT_LIMITS,
    filename: str = "GIFT",
) -> ParseResult:
    result = ParseResult(filename=filename)
    collector = Collector(result, limits, existing_keys)
    topic = None
    for row, block in _blocks(text):
        if block.lstrip().startswith("$CATEGORY:"):
            first, _, block = block.lstrip().partition("\n")
            topic = _category(first)
            if not block.strip():
                continue
        _read_question(collector, row, block, topic)
    if not result.questions and result.ok:
        collector.error("no_questions_text", name=filename)
    return result


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each blank-line separated block, without comments."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("//"):
            continue
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield start, "\n".join(lines)
            lines = []
    if lines:
        yield start, "\n".join(lines)


def _category(line: str) -> str | None:
    path = line.partition(":")[2].strip()
    segments = [s for s in path.split("/") if s and s not in ("$course$", "$system$", "top")]
    return clean_str(segments[-1]) if segments else None


def _read_question(collector: Collector, row: int, block: str, topic: str | None) -> None:
    body = block.strip()
    if body.startswith("::"):
        end = _find(body, "::", 2)
        body = body[end + 2 :] if end >= 0 else body
    body = _FORMAT.sub("", body, count=1)
    opening = _find(body, "{")
    closing = _find(body, "}", opening + 1) if opening >= 0 else -1
    if opening < 0 or closing < 0:
        collector.warn("unsupported_question", row, what="không có phần đáp án {…}")
        return
    after = body[closing + 1 :].strip()
    stem = body[:opening].strip() + (" _____ " + after if after else "")
    parsed = _answers(body[opening + 1 : closing])
    if isinstance(parsed, str):
        collector.warn("unsupported_question", row, what=parsed)
        return
    options, correct = parsed
    collector.add_plain(row, clean_str(_unescape(stem)), options, correct, topic=topic)


def _answers(raw: str) -> tuple[list[str], list[int]] | str:
    """(options, correct indexes), or the name of an unsupported question type."""
    stripped = raw.strip()
    verdict = _TRUE_FALSE.get(_split(stripped, "#")[0][1].strip().lower())
    if verdict is not None:
        return ["Đúng", "Sai"], [verdict]
    if not stripped:
        return "tự luận"
    if stripped.startswith("#"):
        return "câu hỏi số"
    if _find(stripped, "->") >= 0:
        return "ghép đôi"
    items = [(mark, piece) for mark, piece in _split(stripped, "=~") if mark]
    if not any(mark == "~" for mark, _ in items):
        return "trả lời ngắn"
    options, correct = [], []
    for mark, piece in items:
        answer = _split(piece, "#")[0][1]
        weight = _WEIGHT.match(answer)
        if weight:
            answer = answer[weight.end() :]
        answer = clean_str(_unescape(answer))
        if not answer:
            continue
        positive = weight is not None and float(weight.group(1).replace(",", ".")) > 0
        if mark == "=" or positive:
            correct.append(len(options))
        options.append(answer)
    return options, correct


def _find(text: str, needle: str, start: int = 0) -> int:
    """Index of the first ``needle`` not escaped by a backslash, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(needle, index):
            return index
        index += 1
    return -1


def _split(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at unescaped mark characters: [(mark before the piece or "", piece), ...]."""
    pieces: list[tuple[str, str]] = []
    mark, current, index = "", [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in marks:
            pieces.append((mark, "".join(current)))
            mark, current = char, []
        else:
            current.append(char)
        index += 1
    pieces.append((mark, "".join(current)))
    return pieces


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPED.get(m.group(1), m.group(1)), text)
