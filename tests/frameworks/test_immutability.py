"""A published (or retired) version cannot be changed: not through the services, not through the
models (Django admin, shell), not through bulk query writes."""

import pytest
from django.core.exceptions import ValidationError

from frameworks import services
from frameworks.models import (
    CaseStudy,
    ChecklistItem,
    Dimension,
    FrameworkVersion,
    FrameworkVersionLocked,
    Level,
    Statement,
    Strand,
)
from tests.factories.frameworks import framework_version_build

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["published", "retired"])
def frozen(request, national_admin):
    version = framework_version_build(status="published")
    if request.param == "retired":
        services.framework_version_retire(framework_version=version, actor=national_admin)
        version.refresh_from_db()
    return version


def first(model, version):
    return model.objects.filter(framework_version=version).first()


def test_services_refuse_every_edit(frozen, national_admin):
    statement = first(Statement, frozen)
    level = first(Level, frozen)
    calls = [
        lambda: services.statement_update(statement=statement, actor=national_admin, text="New"),
        lambda: services.statement_create(
            dimension=statement.dimension, level=level, actor=national_admin, text="New"
        ),
        lambda: services.statement_delete(statement=statement, actor=national_admin),
        lambda: services.dimension_update(
            dimension=statement.dimension, actor=national_admin, name="New"
        ),
        lambda: services.strand_update(
            strand=first(Strand, frozen), actor=national_admin, name="New", measures=""
        ),
        lambda: services.level_update(
            level=level, actor=national_admin, name="New", whole_family_view=[]
        ),
        lambda: services.checklist_item_update(
            item=first(ChecklistItem, frozen), actor=national_admin, text="New"
        ),
        lambda: services.case_study_update(
            case_study=first(CaseStudy, frozen), actor=national_admin, name="New", points=[]
        ),
        lambda: services.framework_version_update_details(
            framework_version=frozen,
            actor=national_admin,
            title="New",
            introduction="",
            strand_rule="minimum",
            consistency_threshold=1,
        ),
        lambda: services.framework_version_delete_draft(
            framework_version=frozen, actor=national_admin
        ),
    ]
    for call in calls:
        with pytest.raises(FrameworkVersionLocked, match="cannot be changed"):
            call()
    assert Statement.objects.get(pk=statement.pk).text == statement.text
    assert FrameworkVersion.objects.get(pk=frozen.pk).title == frozen.title


def test_services_refuse_publishing_again(frozen, national_admin):
    with pytest.raises(ValidationError, match="only a draft can be published"):
        services.framework_version_publish(framework_version=frozen, actor=national_admin)


@pytest.mark.parametrize("model", [Level, Strand, Dimension, Statement, ChecklistItem, CaseStudy])
def test_model_save_and_delete_refuse(frozen, model):
    element = first(model, frozen)
    field = "text" if hasattr(element, "text") else "name"
    setattr(element, field, "Changed in the shell")
    with pytest.raises(FrameworkVersionLocked):
        element.save()
    with pytest.raises(FrameworkVersionLocked):
        element.delete()
    assert model.objects.filter(pk=element.pk).exists()
    assert getattr(model.objects.get(pk=element.pk), field) != "Changed in the shell"


def test_a_new_element_cannot_be_added(frozen):
    statement = first(Statement, frozen)
    with pytest.raises(FrameworkVersionLocked):
        Statement.objects.create(
            framework_version=frozen,
            dimension=statement.dimension,
            level=statement.level,
            key="smuggled.early.9",
            text="Smuggled in",
        )
    with pytest.raises(FrameworkVersionLocked):
        Statement.objects.bulk_create(
            [
                Statement(
                    framework_version=frozen,
                    dimension=statement.dimension,
                    level=statement.level,
                    key="smuggled.early.10",
                    text="Smuggled in",
                )
            ]
        )
    assert not Statement.objects.filter(key__startswith="smuggled").exists()


def test_queryset_writes_refuse(frozen):
    statements = Statement.objects.filter(framework_version=frozen)
    with pytest.raises(FrameworkVersionLocked):
        statements.update(text="Bulk change")
    with pytest.raises(FrameworkVersionLocked):
        statements.delete()
    one = statements.first()
    one.text = "Bulk change"
    with pytest.raises(FrameworkVersionLocked):
        Statement.objects.bulk_update([one], ["text"])
    assert not Statement.objects.filter(text="Bulk change").exists()
    assert statements.count() == 32


def test_an_element_cannot_be_moved_out_of_or_into_a_frozen_version(frozen):
    draft = framework_version_build(version="2.0", status="draft")
    statement = first(Statement, frozen)
    statement.framework_version = draft
    with pytest.raises(FrameworkVersionLocked):
        statement.save()
    with pytest.raises(FrameworkVersionLocked):
        Statement.objects.filter(framework_version=draft).update(framework_version=frozen)


def test_the_version_itself_is_frozen(frozen):
    version = FrameworkVersion.objects.get(pk=frozen.pk)
    version.title = "Renamed"
    with pytest.raises(FrameworkVersionLocked, match=r"cannot be changed \(title\)"):
        version.save()
    with pytest.raises(FrameworkVersionLocked):
        FrameworkVersion.objects.filter(pk=frozen.pk).update(consistency_threshold=2)
    with pytest.raises(FrameworkVersionLocked):
        version.delete()
    with pytest.raises(FrameworkVersionLocked):
        FrameworkVersion.objects.filter(pk=frozen.pk).delete()
    assert FrameworkVersion.objects.get(pk=frozen.pk).title == frozen.title


def test_a_frozen_version_never_becomes_a_draft_again(frozen):
    version = FrameworkVersion.objects.get(pk=frozen.pk)
    version.status = "draft"
    with pytest.raises(FrameworkVersionLocked, match="cannot become a draft"):
        version.save()
    with pytest.raises(FrameworkVersionLocked, match="cannot become a draft"):
        FrameworkVersion.objects.filter(pk=frozen.pk).update(status="draft")


def test_a_retired_version_cannot_be_republished(national_admin):
    version = framework_version_build()
    services.framework_version_retire(framework_version=version, actor=national_admin)
    version.refresh_from_db()
    version.status = "published"
    with pytest.raises(FrameworkVersionLocked, match="retired and cannot be republished"):
        version.save()


def test_a_draft_can_be_changed_everywhere():
    draft = framework_version_build(status="draft")
    statement = first(Statement, draft)
    statement.text = "Changed"
    statement.save()
    Statement.objects.filter(pk=statement.pk).update(text="Changed again")
    draft.title = "Renamed"
    draft.save()
    assert Statement.objects.get(pk=statement.pk).text == "Changed again"
    draft.delete()
    assert not Statement.objects.filter(pk=statement.pk).exists()


def test_the_django_admin_offers_no_change_for_a_frozen_version(frozen, national_admin, rf):
    from django.contrib.admin.sites import site

    request = rf.get("/")
    request.user = national_admin
    national_admin.is_staff = True
    national_admin.is_superuser = True
    statement = first(Statement, frozen)
    statement_admin = site._registry[Statement]
    version_admin = site._registry[FrameworkVersion]
    assert statement_admin.has_change_permission(request, statement) is False
    assert statement_admin.has_delete_permission(request, statement) is False
    assert version_admin.has_change_permission(request, frozen) is False

    draft = framework_version_build(version="3.0", status="draft")
    assert statement_admin.has_change_permission(request, first(Statement, draft)) is True


def test_the_django_admin_change_form_cannot_save_a_frozen_statement(frozen, client):
    from accounts.models import User

    superuser = User.objects.create_superuser(email="root@example.org", password="a-long-password")
    client.force_login(superuser)
    statement = first(Statement, frozen)
    response = client.post(
        f"/django-admin/frameworks/statement/{statement.pk}/change/",
        {
            "text": "Changed in the admin",
            "key": statement.key,
            "order": 1,
            "dimension": statement.dimension_id,
            "level": statement.level_id,
            "note": "",
        },
    )
    assert response.status_code == 403
    assert Statement.objects.get(pk=statement.pk).text == statement.text
