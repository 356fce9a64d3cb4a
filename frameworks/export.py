"""A stored version back out as a document or as YAML in the same schema the loader reads, so that
loading an export gives the same version back."""

from __future__ import annotations

from .document import (
    CaseStudyDocument,
    ChecklistItemDocument,
    DimensionDocument,
    FrameworkDocument,
    LevelDocument,
    StatementDocument,
    StrandDocument,
    dump_framework_yaml,
)
from .models import FrameworkVersion
from .selectors import FrameworkContents, framework_contents_get


def framework_document_from_contents(contents: FrameworkContents) -> FrameworkDocument:
    version = contents.version
    return FrameworkDocument(
        slug=version.slug,
        version=version.version,
        title=version.title,
        status=version.status,
        published_on=version.published_on,
        strand_rule=version.strand_rule,
        consistency_threshold=version.consistency_threshold,
        introduction=version.introduction,
        note=version.note,
        levels=tuple(
            LevelDocument(
                key=level.key,
                name=level.name,
                whole_family_view=tuple(level.whole_family_view or ()),
            )
            for level in contents.levels
        ),
        checklist_introduction=version.checklist_introduction,
        checklist=tuple(
            ChecklistItemDocument(key=item.key, text=item.text) for item in contents.checklist_items
        ),
        strands=tuple(
            StrandDocument(
                key=strand.key,
                name=strand.name,
                measures=strand.measures,
                dimensions=tuple(
                    DimensionDocument(
                        key=dimension.key,
                        name=dimension.name,
                        statements=tuple(
                            (
                                cell.level.key,
                                tuple(
                                    StatementDocument(key=s.key, text=s.text, note=s.note)
                                    for s in cell.statements
                                ),
                            )
                            for cell in dimension.cells
                        ),
                    )
                    for dimension in strand.dimensions_list
                ),
            )
            for strand in contents.strands
        ),
        case_studies=tuple(
            CaseStudyDocument(
                key=case.key, name=case.name, points=tuple(case.points or ()), note=case.note
            )
            for case in contents.case_studies
        ),
        case_studies_footer=version.case_studies_footer,
    )


def framework_document_from_version(version: FrameworkVersion) -> FrameworkDocument:
    return framework_document_from_contents(framework_contents_get(version))


def framework_version_export_yaml(version: FrameworkVersion) -> str:
    return dump_framework_yaml(framework_document_from_version(version))
