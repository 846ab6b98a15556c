"""Competition editions, judging, external results, certificates and exams

Revision ID: c0a4contests
Revises: 3a26a0dad711
Create Date: 2026-11-23 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "c0a4contests"
down_revision: str | None = "3a26a0dad711"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "verify_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verify_attempt")),
    )
    with op.batch_alter_table("verify_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_verify_attempt_ip_at", ["ip_address", "attempted_at"], unique=False
        )

    op.create_table(
        "certificate_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("certificate_type_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("issued_count", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_type.id"],
            name=op.f("fk_certificate_import_certificate_type_id_certificate_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_certificate_import_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_import")),
    )
    with op.batch_alter_table("certificate_import", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_import_created_by_id"), ["created_by_id"], unique=False
        )

    op.create_table(
        "certificate_rule",
        sa.Column("certificate_type_id", sa.Integer(), nullable=False),
        sa.Column("requires_level_below", sa.Boolean(), nullable=False),
        sa.Column("entry_level", sa.Integer(), nullable=False),
        sa.Column("checks_training_hours", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_type.id"],
            name=op.f("fk_certificate_rule_certificate_type_id_certificate_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("certificate_type_id", name=op.f("pk_certificate_rule")),
    )

    op.create_table(
        "edition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("registration_opens_on", sa.Date(), nullable=False),
        sa.Column("registration_closes_on", sa.Date(), nullable=False),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "registration_closes_on >= registration_opens_on", name=op.f("ck_edition_window")
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competition.id"],
            name=op.f("fk_edition_competition_id_competition"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition")),
        sa.UniqueConstraint("competition_id", "year", name="uq_edition_competition_year"),
    )
    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_edition_competition_id"), ["competition_id"], unique=False
        )

    op.create_table(
        "practical_exam",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_type_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("pass_mark", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("finalised_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_practical_exam_level")),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_type.id"],
            name=op.f("fk_practical_exam_certificate_type_id_certificate_type"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_practical_exam_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practical_exam")),
    )
    with op.batch_alter_table("practical_exam", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_practical_exam_certificate_type_id"),
            ["certificate_type_id"],
            unique=False,
        )

    op.create_table(
        "training_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("certificate_type_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_training_record_hours")),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_type.id"],
            name=op.f("fk_training_record_certificate_type_id_certificate_type"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_record_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["user_account.id"],
            name=op.f("fk_training_record_student_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_record")),
    )
    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_record_certificate_type_id"),
            ["certificate_type_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_training_record_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "certificate_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("certificate_type_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("holder_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("verification_code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on",
            name=op.f("ck_certificate_award_expiry"),
        ),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_certificate_award_level")),
        sa.ForeignKeyConstraint(
            ["certificate_type_id"],
            ["certificate_type.id"],
            name=op.f("fk_certificate_award_certificate_type_id_certificate_type"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["practical_exam.id"],
            name=op.f("fk_certificate_award_exam_id_practical_exam"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["user_account.id"],
            name=op.f("fk_certificate_award_holder_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["user_account.id"],
            name=op.f("fk_certificate_award_issued_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["user_account.id"],
            name=op.f("fk_certificate_award_revoked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_award")),
        sa.UniqueConstraint("number", name=op.f("uq_certificate_award_number")),
        sa.UniqueConstraint(
            "verification_code", name=op.f("uq_certificate_award_verification_code")
        ),
    )
    with op.batch_alter_table("certificate_award", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificate_award_certificate_type_id"),
            ["certificate_type_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_certificate_award_holder_type", ["holder_id", "certificate_type_id"], unique=False
        )

    op.create_table(
        "contest_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("advance_cap", sa.Integer(), nullable=True),
        sa.Column("normalise", sa.Boolean(), nullable=False),
        sa.Column("tiebreak_criterion_id", sa.Integer(), nullable=True),
        sa.Column("spread_threshold", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("published_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("results_on", sa.Date(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "advance_cap IS NULL OR advance_cap >= 0", name=op.f("ck_contest_round_advance_cap")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["edition.id"],
            name=op.f("fk_contest_round_edition_id_edition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_contest_round_published_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_round")),
        sa.UniqueConstraint("edition_id", "position", name="uq_contest_round_position"),
    )
    with op.batch_alter_table("contest_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_round_edition_id"), ["edition_id"], unique=False
        )

    op.create_table(
        "contest_track",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("min_members", sa.Integer(), nullable=True),
        sa.Column("max_members", sa.Integer(), nullable=True),
        sa.Column("min_college_mentors", sa.Integer(), nullable=True),
        sa.Column("max_college_mentors", sa.Integer(), nullable=True),
        sa.Column("min_enterprise_mentors", sa.Integer(), nullable=True),
        sa.Column("max_enterprise_mentors", sa.Integer(), nullable=True),
        sa.Column("requires_business", sa.Boolean(), nullable=False),
        sa.Column("max_business_age_years", sa.Integer(), nullable=True),
        sa.Column("excludes_national_winners", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["edition.id"],
            name=op.f("fk_contest_track_edition_id_edition"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_track")),
    )
    with op.batch_alter_table("contest_track", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_track_edition_id"), ["edition_id"], unique=False
        )

    op.create_table(
        "exam_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_score > 0", name=op.f("ck_exam_criterion_max_score")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_exam_criterion_weight")),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["practical_exam.id"],
            name=op.f("fk_exam_criterion_exam_id_practical_exam"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_criterion")),
    )
    with op.batch_alter_table("exam_criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_criterion_exam_id"), ["exam_id"], unique=False)

    op.create_table(
        "exam_examiner",
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["practical_exam.id"],
            name=op.f("fk_exam_examiner_exam_id_practical_exam"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_exam_examiner_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("exam_id", "user_id", name=op.f("pk_exam_examiner")),
    )
    with op.batch_alter_table("exam_examiner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_examiner_user_id"), ["user_id"], unique=False)

    op.create_table(
        "external_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("competition_id", sa.Integer(), nullable=True),
        sa.Column("competition_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("edition", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("round_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("award", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("evidence_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("evidence_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("evidence", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(team_id IS NULL) <> (student_id IS NULL)",
            name=op.f("ck_external_result_team_or_student"),
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competition.id"],
            name=op.f("fk_external_result_competition_id_competition"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_external_result_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["user_account.id"],
            name=op.f("fk_external_result_student_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_external_result_team_id_team"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_result")),
    )
    with op.batch_alter_table("external_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_result_awarded_on"), ["awarded_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_external_result_student_id"), ["student_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_external_result_team_id"), ["team_id"], unique=False)

    op.create_table(
        "contest_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("business_registered_on", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("advanced_from_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("award", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rank IS NULL OR rank >= 1", name=op.f("ck_contest_entry_rank")),
        sa.ForeignKeyConstraint(
            ["advanced_from_id"],
            ["contest_entry.id"],
            name=op.f("fk_contest_entry_advanced_from_id_contest_entry"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["user_account.id"],
            name=op.f("fk_contest_entry_registered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["contest_round.id"],
            name=op.f("fk_contest_entry_round_id_contest_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
            name=op.f("fk_contest_entry_team_id_team"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["contest_track.id"],
            name=op.f("fk_contest_entry_track_id_contest_track"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_entry")),
    )
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_entry_advanced_from_id"), ["advanced_from_id"], unique=False
        )
        batch_op.create_index("ix_contest_entry_round_team", ["round_id", "team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contest_entry_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contest_entry_track_id"), ["track_id"], unique=False)

    op.create_table(
        "exam_candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["certificate_award.id"],
            name=op.f("fk_exam_candidate_award_id_certificate_award"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["practical_exam.id"],
            name=op.f("fk_exam_candidate_exam_id_practical_exam"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["student_id"],
            ["user_account.id"],
            name=op.f("fk_exam_candidate_student_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_candidate")),
        sa.UniqueConstraint("exam_id", "student_id", name="uq_exam_candidate"),
    )
    with op.batch_alter_table("exam_candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exam_candidate_exam_id"), ["exam_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_exam_candidate_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "rubric_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint("max_score > 0", name=op.f("ck_rubric_criterion_max_score")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_rubric_criterion_weight")),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["contest_round.id"],
            name=op.f("fk_rubric_criterion_round_id_contest_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_criterion")),
    )
    with op.batch_alter_table("rubric_criterion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rubric_criterion_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "contest_entry_advisor",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contest_entry.id"],
            name=op.f("fk_contest_entry_advisor_entry_id_contest_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_contest_entry_advisor_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("entry_id", "user_id", name=op.f("pk_contest_entry_advisor")),
    )
    with op.batch_alter_table("contest_entry_advisor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_entry_advisor_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contest_entry_member",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contest_entry.id"],
            name=op.f("fk_contest_entry_member_entry_id_contest_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_contest_entry_member_user_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("entry_id", "user_id", name=op.f("pk_contest_entry_member")),
    )
    with op.batch_alter_table("contest_entry_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_entry_member_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "contest_result_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user_account.id"],
            name=op.f("fk_contest_result_change_actor_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contest_entry.id"],
            name=op.f("fk_contest_result_change_entry_id_contest_entry"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["contest_round.id"],
            name=op.f("fk_contest_result_change_round_id_contest_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_result_change")),
    )
    with op.batch_alter_table("contest_result_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_result_change_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "exam_score",
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_exam_score_value")),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["exam_candidate.id"],
            name=op.f("fk_exam_score_candidate_id_exam_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["exam_criterion.id"],
            name=op.f("fk_exam_score_criterion_id_exam_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["examiner_id"],
            ["user_account.id"],
            name=op.f("fk_exam_score_examiner_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "candidate_id", "examiner_id", "criterion_id", name=op.f("pk_exam_score")
        ),
    )
    with op.batch_alter_table("exam_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exam_score_examiner_id"), ["examiner_id"], unique=False
        )

    op.create_table(
        "judge_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("judge_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("submitted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recused_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recusal_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["user_account.id"],
            name=op.f("fk_judge_assignment_assigned_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["contest_entry.id"],
            name=op.f("fk_judge_assignment_entry_id_contest_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["judge_id"],
            ["user_account.id"],
            name=op.f("fk_judge_assignment_judge_id_user_account"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judge_assignment")),
        sa.UniqueConstraint("entry_id", "judge_id", name="uq_judge_assignment_entry_judge"),
    )
    with op.batch_alter_table("judge_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judge_assignment_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_judge_assignment_judge_id"), ["judge_id"], unique=False
        )

    op.create_table(
        "judge_score",
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_judge_score_value")),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["judge_assignment.id"],
            name=op.f("fk_judge_score_assignment_id_judge_assignment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["rubric_criterion.id"],
            name=op.f("fk_judge_score_criterion_id_rubric_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_id", "criterion_id", name=op.f("pk_judge_score")),
    )
    with op.batch_alter_table("judge_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_judge_score_criterion_id"), ["criterion_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("judge_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judge_score_criterion_id"))

    op.drop_table("judge_score")

    with op.batch_alter_table("judge_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_judge_assignment_judge_id"))
        batch_op.drop_index(batch_op.f("ix_judge_assignment_entry_id"))

    op.drop_table("judge_assignment")

    with op.batch_alter_table("exam_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_score_examiner_id"))

    op.drop_table("exam_score")

    with op.batch_alter_table("contest_result_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_result_change_round_id"))

    op.drop_table("contest_result_change")

    with op.batch_alter_table("contest_entry_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_entry_member_user_id"))

    op.drop_table("contest_entry_member")

    with op.batch_alter_table("contest_entry_advisor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_entry_advisor_user_id"))

    op.drop_table("contest_entry_advisor")

    with op.batch_alter_table("rubric_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubric_criterion_round_id"))

    op.drop_table("rubric_criterion")

    with op.batch_alter_table("exam_candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_candidate_student_id"))
        batch_op.drop_index(batch_op.f("ix_exam_candidate_exam_id"))

    op.drop_table("exam_candidate")

    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_entry_track_id"))
        batch_op.drop_index(batch_op.f("ix_contest_entry_team_id"))
        batch_op.drop_index("ix_contest_entry_round_team")
        batch_op.drop_index(batch_op.f("ix_contest_entry_advanced_from_id"))

    op.drop_table("contest_entry")

    with op.batch_alter_table("external_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_result_team_id"))
        batch_op.drop_index(batch_op.f("ix_external_result_student_id"))
        batch_op.drop_index(batch_op.f("ix_external_result_awarded_on"))

    op.drop_table("external_result")

    with op.batch_alter_table("exam_examiner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_examiner_user_id"))

    op.drop_table("exam_examiner")

    with op.batch_alter_table("exam_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_criterion_exam_id"))

    op.drop_table("exam_criterion")

    with op.batch_alter_table("contest_track", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_track_edition_id"))

    op.drop_table("contest_track")

    with op.batch_alter_table("contest_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_round_edition_id"))

    op.drop_table("contest_round")

    with op.batch_alter_table("certificate_award", schema=None) as batch_op:
        batch_op.drop_index("ix_certificate_award_holder_type")
        batch_op.drop_index(batch_op.f("ix_certificate_award_certificate_type_id"))

    op.drop_table("certificate_award")

    with op.batch_alter_table("training_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_record_student_id"))
        batch_op.drop_index(batch_op.f("ix_training_record_certificate_type_id"))

    op.drop_table("training_record")

    with op.batch_alter_table("practical_exam", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practical_exam_certificate_type_id"))

    op.drop_table("practical_exam")

    with op.batch_alter_table("edition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_competition_id"))

    op.drop_table("edition")

    op.drop_table("certificate_rule")

    with op.batch_alter_table("certificate_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_import_created_by_id"))

    op.drop_table("certificate_import")

    with op.batch_alter_table("verify_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_verify_attempt_ip_at")

    op.drop_table("verify_attempt")
