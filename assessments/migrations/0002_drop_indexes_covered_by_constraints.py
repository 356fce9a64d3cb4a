"""Drop eight single-column foreign-key indexes that an index or unique constraint starting with
the same column already covers: fewer indexes to write on every save and to open per request.

Only the indexes go (DROP INDEX CONCURRENTLY on PostgreSQL, so writes are not blocked); the
foreign-key constraints stay as they are, so nothing is revalidated. Reversible."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index name as Django created it)
COVERED = [
    ("assessments_assessment", "authority_id", "assessments_assessment_authority_id_b3502bc0"),
    ("assessments_assessment", "round_id", "assessments_assessment_round_id_e07f6171"),
    (
        "assessments_checklistanswer",
        "assessment_id",
        "assessments_checklistanswer_assessment_id_d98ac815",
    ),
    (
        "assessments_dimensionanswer",
        "assessment_id",
        "assessments_dimensionanswer_assessment_id_5ade476c",
    ),
    ("assessments_dimensionresult", "result_id", "assessments_dimensionresult_result_id_4e1ea977"),
    (
        "assessments_historyentry",
        "assessment_id",
        "assessments_historyentry_assessment_id_ec4ee335",
    ),
    ("assessments_statementrating", "answer_id", "assessments_statementrating_answer_id_3da9a33f"),
    ("assessments_strandresult", "result_id", "assessments_strandresult_result_id_086dc7bc"),
]


def _concurrently(schema_editor) -> str:
    return " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""


def drop_indexes(apps, schema_editor) -> None:
    for _table, _column, name in COVERED:
        schema_editor.execute(
            f"DROP INDEX{_concurrently(schema_editor)} IF EXISTS {schema_editor.quote_name(name)}"
        )


def create_indexes(apps, schema_editor) -> None:
    for table, column, name in COVERED:
        schema_editor.execute(
            f"CREATE INDEX{_concurrently(schema_editor)} IF NOT EXISTS "
            f"{schema_editor.quote_name(name)} ON {schema_editor.quote_name(table)} "
            f"({schema_editor.quote_name(column)})"
        )


class Migration(migrations.Migration):
    atomic = False  # DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("accounts", "0003_tenancy"),
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="assessment",
                    name="authority",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="accounts.authority",
                    ),
                ),
                migrations.AlterField(
                    model_name="assessment",
                    name="round",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="assessments.round",
                    ),
                ),
                migrations.AlterField(
                    model_name="checklistanswer",
                    name="assessment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checklist_answers",
                        to="assessments.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="dimensionanswer",
                    name="assessment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dimension_answers",
                        to="assessments.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="dimensionresult",
                    name="result",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="dimension_results",
                        to="assessments.assessmentresult",
                    ),
                ),
                migrations.AlterField(
                    model_name="historyentry",
                    name="assessment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="history",
                        to="assessments.assessment",
                    ),
                ),
                migrations.AlterField(
                    model_name="statementrating",
                    name="answer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="assessments.dimensionanswer",
                    ),
                ),
                migrations.AlterField(
                    model_name="strandresult",
                    name="result",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="strand_results",
                        to="assessments.assessmentresult",
                    ),
                ),
            ],
        ),
    ]
