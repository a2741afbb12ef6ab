"""Durations in the words participants read: "15,5 giây", "12 phút 03 giây", "1 giờ 02 phút".

The ranking compares milliseconds; people read seconds, with tenths while the time is under a
minute (where ties are decided). Longer times drop the tenths and write seconds (and minutes
after an hour) with two digits, as clocks do.
"""


def duration_words(milliseconds: int | None) -> str:
    """Time taken as people say it; "" when unknown. Never rounded up: 59,96 s is "59,9 giây"."""
    if milliseconds is None:
        return ""
    total = max(0, int(milliseconds))
    seconds, millis = divmod(total, 1000)
    if seconds < 60:
        tenths = millis // 100
        return f"{seconds},{tenths} giây" if tenths else f"{seconds} giây"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} phút {seconds:02d} giây"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes:02d} phút {seconds:02d} giây"
