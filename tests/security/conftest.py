from tests.assessments.conftest import (  # noqa: F401 - shared fixtures
    assessment,
    open_round,
    tenants,
    version,
)
