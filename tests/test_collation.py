"""Vietnamese alphabetical order, the same in Python and in both engines' ORDER BY."""

import unicodedata

from sqlalchemy import select

from contest.collation import in_vietnamese, sort_key, sorted_vietnamese
from contest.extensions import db
from contest.models import Agency
from tests.factories import make_agency

# By hand, from the alphabet a ă â b c d đ e ê … and tones second.
ALPHABETICAL = [
    "Ao cá",
    "Ăn uống",
    "Âm nhạc",
    "Bến Tre",
    "Dương Kinh",
    "Đà Nẵng",
    "Đài Phát thanh và Truyền hình tỉnh",
    "hà giang",
    "Hạ Long",
    "Hà Nội",
    "Hà Tĩnh",
    "Ủy ban nhân dân xã Ư",
    "Văn phòng Ủy ban nhân dân tỉnh",
]


def test_python_order_is_the_alphabet():
    shuffled = ALPHABETICAL[::-1][3:] + ALPHABETICAL[::-1][:3]
    assert sorted_vietnamese(shuffled) == ALPHABETICAL
    # Code points put Đ after V: the bug this replaces.
    assert sorted(ALPHABETICAL) != ALPHABETICAL
    # A decomposed name sorts where its composed form does.
    nfd = unicodedata.normalize("NFD", "Đài Phát thanh và Truyền hình tỉnh")
    assert sort_key(nfd) == sort_key("Đài Phát thanh và Truyền hình tỉnh")
    assert sort_key(None) == sort_key("") < sort_key("a")


def test_sql_order_is_the_same_on_each_engine(app):
    with app.app_context():
        for number, name in enumerate(reversed(ALPHABETICAL)):
            make_agency(code=f"C{number:02d}", name=name)
        names = db.session.execute(
            select(Agency.name).order_by(in_vietnamese(Agency.name), Agency.id)
        ).scalars()
        assert list(names) == ALPHABETICAL
