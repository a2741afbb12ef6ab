"""The organizer console: contest settings, announcements, access codes, round attempt rules,
difficulty quotas, and the append-only audit log

Revision ID: 1533c92c963b
Revises: b3e1f0a7c2d4
Create Date: 2026-12-04 19:55:13

"""

import sqlalchemy as sa
from alembic import op

revision = "1533c92c963b"
down_revision = "b3e1f0a7c2d4"
branch_labels = None
depends_on = None

RULES_SECTIONS = ("rules_intro", "rules_participants", "rules_prizes", "rules_complaints")

# The audit log is append-only: the database itself refuses to change or remove a line.
POSTGRESQL_AUDIT_GUARD = (
    """
    CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
)
SQLITE_AUDIT_GUARD = tuple(
    f"""
    CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END
    """
    for verb in ("UPDATE", "DELETE")
)


def upgrade():
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "ends_at IS NULL OR ends_at > starts_at", name=op.f("ck_announcement_window")
        ),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_announcement_contest_id_contest")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_announcement_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcement_contest_id"), ["contest_id"])

    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_event_actor_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"])
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"])
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"])
    guard = (
        POSTGRESQL_AUDIT_GUARD
        if op.get_context().dialect.name == "postgresql"
        else SQLITE_AUDIT_GUARD
    )
    for statement in guard:
        op.execute(statement)

    op.create_table(
        "contest_access",
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"], ["contest.id"], name=op.f("fk_contest_access_contest_id_contest")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_contest_access_user_id_user")
        ),
        sa.PrimaryKeyConstraint("contest_id", "user_id", name=op.f("pk_contest_access")),
    )

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("hotline", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("emblem", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("emblem_type", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        for name in RULES_SECTIONS:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("required_fields", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("minimum_age", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("access_code", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("results_visible", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(sa.Column("participation_target", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(),
                server_default=sa.func.current_timestamp(),
                nullable=False,
            )
        )
    # The old free rules text becomes the introduction around the generated rules.
    contest = sa.table(
        "contest", sa.column("rules_text", sa.Text), sa.column("rules_intro", sa.Text)
    )
    op.execute(contest.update().values(rules_intro=sa.func.coalesce(contest.c.rules_text, "")))
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_column("rules_text")
        batch_op.create_check_constraint(
            op.f("ck_contest_status"), sa.text("status IN ('draft', 'open', 'closed', 'archived')")
        )
        batch_op.create_check_constraint(
            op.f("ck_contest_minimum_age"),
            sa.text("minimum_age IS NULL OR minimum_age BETWEEN 1 AND 120"),
        )
        batch_op.create_check_constraint(
            op.f("ck_contest_participation_target"),
            sa.text("participation_target IS NULL OR participation_target BETWEEN 1 AND 100"),
        )

    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("difficulty_quotas", sa.JSON(), server_default="{}", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "one_attempt_per_day", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("minimum_wait_minutes", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_round_minimum_wait"), sa.text("minimum_wait_minutes >= 0")
        )


def downgrade():
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_round_minimum_wait"), type_="check")
        batch_op.drop_column("minimum_wait_minutes")
        batch_op.drop_column("one_attempt_per_day")
        batch_op.drop_column("difficulty_quotas")

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_text", sa.Text(), server_default="", nullable=False))
    contest = sa.table(
        "contest", sa.column("rules_text", sa.Text), sa.column("rules_intro", sa.Text)
    )
    op.execute(contest.update().values(rules_text=contest.c.rules_intro))
    with op.batch_alter_table("contest", schema=None) as batch_op:
        for name in ("status", "minimum_age", "participation_target"):
            batch_op.drop_constraint(op.f(f"ck_contest_{name}"), type_="check")
        for name in (
            "updated_at",
            "participation_target",
            "results_visible",
            "access_code",
            "minimum_age",
            "required_fields",
            *RULES_SECTIONS,
            "ends_on",
            "starts_on",
            "emblem_type",
            "emblem",
            "hotline",
            "contact_email",
            "contact_phone",
            "summary",
        ):
            batch_op.drop_column(name)

    op.drop_table("contest_access")
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_event_no_{verb}")
    op.drop_table("audit_event")
    op.drop_table("announcement")
