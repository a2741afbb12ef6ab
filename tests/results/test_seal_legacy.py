"""Publications sealed before method 2 (method 1): they keep their seal and still verify
against the stored snapshot, and the migration froze their lines' fields from the live rows."""

import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from contest import MIGRATIONS_DIR
from contest.extensions import db
from contest.models import ResultPublication, Round, SnapshotRow
from contest.results import service as results
from contest.results.seal_check import check_file
from tests.factories import make_agency, make_entry, make_round, make_user
from tests.results import test_exports
from tests.results.test_seal import export_bytes, publish, sheet_values

closed_round = test_exports.closed_round


def method_one(publication: ResultPublication, round_id: int) -> str:
    """Method 1, as it was: the round's id, ids and microsecond times, "|"-separated."""
    digest = hashlib.sha256(
        f"round={round_id};version={publication.version};actual={publication.prediction_actual};"
        f"chain={publication.chain}".encode()
    )
    rows = db.session.query(SnapshotRow).filter_by(publication_id=publication.id)
    for row in rows.order_by(SnapshotRow.position):
        values = [row.position, row.rank, row.group_rank, row.user_id, row.attempt_id,
                  row.participant_group, row.agency_id, row.correct_count, row.prediction,
                  row.prediction_error, row.duration_ms, row.submitted_at.isoformat(), row.prize]  # fmt: skip
        digest.update(("\n" + "|".join("" if v is None else str(v) for v in values)).encode())
    return digest.hexdigest()


def test_an_old_publication_still_verifies(app, runner, closed_round, tmp_path):
    with app.app_context():
        publication = publish(closed_round)
        publication.seal_version, publication.seal_header = 1, None
        db.session.query(SnapshotRow).update({"line_digest": None, "receipt": None})
        publication.sha256 = method_one(publication, closed_round)
        db.session.commit()
        assert results.verify(publication)
        db.session.query(SnapshotRow).filter_by(position=2).update({"rank": 1})
        db.session.commit()
        assert not results.verify(publication)
        db.session.query(SnapshotRow).filter_by(position=2).update({"rank": 2})
        db.session.commit()
        data = export_bytes(closed_round)
        listed = {row[0]: row[1] for row in sheet_values(data)["Niêm phong"] if row[0]}
        assert listed["method"] == "TTT-SEAL/1" and listed["seal"] == publication.sha256
        verdict = check_file(data)
        assert verdict.ok and "phương pháp niêm phong cũ (1)" in verdict.lines[0]
    path = tmp_path / "cu.xlsx"
    path.write_bytes(data)
    assert runner.invoke(args=["results", "verify", str(path)]).exit_code == 0


def test_the_migration_freezes_old_lines(app):
    with app.app_context():
        district = make_agency("H01", "UBND huyện Nam Đàn")
        commune = make_agency("X01", "UBND xã Xuân Lâm", parent=district)
        round_ = make_round()
        user = make_user(phone="0917000001", agency_id=commune.id, national_id="001090000777")
        erased = make_user(phone="0917000002")
        attempt = make_entry(round_, user, 18, number=1)
        other = make_entry(round_, erased, 17, number=1)
        ids = (round_.id, user.id, attempt.id, commune.id, erased.id, other.id)
        db.session.remove()
        downgrade(directory=MIGRATIONS_DIR, revision="f7a2c9d4e1b8")
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO result_publication (id, round_id, version, sha256, chain,"
                    " entry_count, published_at) VALUES (1, :r, 1, :s, 'correct', 2,"
                    " '2025-11-24 07:05:09')"
                ),
                {"r": ids[0], "s": "a" * 64},
            )
            connection.execute(
                text(
                    "UPDATE \"user\" SET erased_at = '2025-12-01 00:00:00', phone = NULL WHERE id = :e"
                ),
                {"e": ids[4]},
            )
            for position, (user_id, attempt_id, agency_id) in enumerate(
                [(ids[1], ids[2], ids[3]), (ids[4], ids[5], None)], start=1
            ):
                connection.execute(
                    text(
                        "INSERT INTO snapshot_row (publication_id, position, rank, group_rank,"
                        " user_id, attempt_id, participant_group, agency_id, correct_count,"
                        " duration_ms, submitted_at) VALUES (1, :p, :p, :p, :u, :a, 'nhan_dan',"
                        " :g, 18, 1000, '2025-11-16 02:00:00')"
                    ),
                    {"p": position, "u": user_id, "a": attempt_id, "g": agency_id},
                )
        upgrade(directory=MIGRATIONS_DIR)
        db.session.remove()
        publication = db.session.get(ResultPublication, 1)
        assert publication.seal_version == 1 and publication.seal_header is None
        lines = db.session.query(SnapshotRow).order_by(SnapshotRow.position).all()
        first, second = lines
        assert (first.full_name, first.phone, first.national_id) == (
            user.full_name, "0917000001", "001090000777"
        )  # fmt: skip
        assert (first.agency_code, first.agency_name, first.agency_parent_code) == (
            "X01", "UBND xã Xuân Lâm", "H01"
        )  # fmt: skip
        assert (first.attempt_number, first.question_count, first.prize_eligible) == (1, 20, True)
        assert (second.full_name, second.phone, second.agency_code) == (None, None, None)
        assert first.line_digest is None and db.session.get(Round, ids[0]) is not None
