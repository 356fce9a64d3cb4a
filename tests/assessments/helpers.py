"""Fill in an assessment through the services, as respondents would."""

from assessments import services
from assessments.models import Assessment, DimensionAnswer
from assessments.scoring import Rating

# A realistic spread: fully at the lower levels, partly at level 3, not at level 4.
PATTERN = {1: Rating.FULLY, 2: Rating.FULLY, 3: Rating.PARTLY, 4: Rating.NOT_AT_ALL}


def answer_dimension(answer: DimensionAnswer, actor, pattern=PATTERN, level: int | None = None):
    answer.refresh_from_db()
    ratings = {
        s.pk: pattern[s.level.order] for s in answer.dimension.statements.select_related("level")
    }
    answer = services.dimension_ratings_save(
        answer=answer, actor=actor, expected_revision=answer.revision, ratings=ratings, notes=""
    )
    suggestion = services.dimension_suggestion(answer)
    chosen = level or suggestion.suggested_level
    return services.dimension_level_confirm(
        answer=answer,
        actor=actor,
        expected_revision=answer.revision,
        level=chosen,
        justification="" if chosen == suggestion.suggested_level else "We know better",
    )


def complete(assessment: Assessment, actor) -> Assessment:
    services.checklist_save(
        assessment=assessment,
        actor=actor,
        answers={a.item_id: ("in_place", "") for a in assessment.checklist_answers.all()},
    )
    for answer in assessment.dimension_answers.all():
        answer_dimension(answer, actor)
    return assessment
