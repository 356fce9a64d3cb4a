"""Framework versions for tests.

- `framework_document_build(...)`: a small, valid FrameworkDocument (no database).
- `framework_version_build(...)`: the same, stored through the loader, published by default.
- `shipped_framework_version()`: the real model, fixtures/frameworks/dmm-early-help-1.0.yaml.
- Factories for single elements of a draft version, for tests that need odd shapes.

Elements of a published version cannot be created or changed (frameworks.models), so the builders
write a draft and publish it at the end, like the loader does.
"""

from __future__ import annotations

from pathlib import Path

import factory
from factory.django import DjangoModelFactory

from frameworks.document import (
    CaseStudyDocument,
    ChecklistItemDocument,
    DimensionDocument,
    FrameworkDocument,
    LevelDocument,
    StatementDocument,
    StrandDocument,
)
from frameworks.models import Dimension, FrameworkVersion, Level, Statement, Strand
from frameworks.services import framework_version_load
from frameworks.validation import parse_framework_file

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED_FRAMEWORK_PATH = ROOT / "fixtures/frameworks/dmm-early-help-1.0.yaml"
LEVEL_KEYS = ("early", "developing", "maturing", "mature")


def framework_document_build(
    *,
    slug: str = "test-model",
    version: str = "1.0",
    status: str = "published",
    strands: int = 2,
    dimensions_per_strand: int = 2,
    statements_per_cell: int = 2,
    level_keys: tuple[str, ...] = LEVEL_KEYS,
) -> FrameworkDocument:
    levels = tuple(
        LevelDocument(
            key=key,
            name=key.capitalize(),
            whole_family_view=(f"{key.capitalize()} families are seen in part",),
        )
        for key in level_keys
    )
    strand_documents = []
    for s in range(1, strands + 1):
        dimensions = []
        for d in range(1, dimensions_per_strand + 1):
            dimension_key = f"dimension_{s}_{d}"
            cells = tuple(
                (
                    level,
                    tuple(
                        StatementDocument(
                            key=f"{dimension_key}.{level}.{n}",
                            text=f"Statement {n} of dimension {s}.{d} at the {level} level.",
                        )
                        for n in range(1, statements_per_cell + 1)
                    ),
                )
                for level in level_keys
            )
            dimensions.append(
                DimensionDocument(key=dimension_key, name=f"Dimension {s}.{d}", statements=cells)
            )
        strand_documents.append(
            StrandDocument(
                key=f"strand_{s}",
                name=f"Strand {s}",
                measures=f"Evidence for strand {s}.",
                dimensions=tuple(dimensions),
            )
        )
    return FrameworkDocument(
        slug=slug,
        version=version,
        title="Test maturity model",
        status=status,
        introduction="A model for tests.\nIt has two paragraphs.",
        levels=levels,
        strands=tuple(strand_documents),
        checklist_introduction="Have these in place:",
        checklist=(
            ChecklistItemDocument(key="agreements", text="Data sharing agreements;"),
            ChecklistItemDocument(key="analyst", text="A data analyst."),
        ),
        case_studies=(
            CaseStudyDocument(key="somewhere", name="Somewhere", points=("Bought a system.",)),
        ),
        case_studies_footer="Ask your area lead.",
    )


def framework_version_build(**kwargs) -> FrameworkVersion:
    return framework_version_load(document=framework_document_build(**kwargs)).framework_version


def shipped_framework_version() -> FrameworkVersion:
    document = parse_framework_file(SHIPPED_FRAMEWORK_PATH.read_bytes())
    return framework_version_load(document=document).framework_version


class FrameworkVersionFactory(DjangoModelFactory):
    """An empty draft version."""

    class Meta:
        model = FrameworkVersion
        django_get_or_create = ("slug", "version")

    slug = "test-model"
    version = factory.Sequence(lambda n: f"0.{n + 1}")
    title = "Test maturity model"
    status = FrameworkVersion.Status.DRAFT


class LevelFactory(DjangoModelFactory):
    class Meta:
        model = Level

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"level_{n}")
    name = factory.Sequence(lambda n: f"Level {n}")


class StrandFactory(DjangoModelFactory):
    class Meta:
        model = Strand

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"strand_{n}")
    name = factory.Sequence(lambda n: f"Strand {n}")
    measures = "Evidence."


class DimensionFactory(DjangoModelFactory):
    class Meta:
        model = Dimension

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    strand = factory.SubFactory(
        StrandFactory, framework_version=factory.SelfAttribute("..framework_version")
    )
    order = factory.Sequence(lambda n: n + 1)
    key = factory.Sequence(lambda n: f"dimension_{n}")
    name = factory.Sequence(lambda n: f"Dimension {n}")


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = Statement

    framework_version = factory.SubFactory(FrameworkVersionFactory)
    dimension = factory.SubFactory(
        DimensionFactory, framework_version=factory.SelfAttribute("..framework_version")
    )
    level = factory.SubFactory(
        LevelFactory, framework_version=factory.SelfAttribute("..framework_version")
    )
    order = factory.Sequence(lambda n: n + 1)
    key = factory.LazyAttributeSequence(lambda o, n: f"{o.dimension.key}.{o.level.key}.{n}")
    text = factory.Sequence(lambda n: f"Statement number {n}.")
