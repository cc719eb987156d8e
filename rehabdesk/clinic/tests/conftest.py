import pytest

from rehabdesk.clinic.testing import make_clinic, make_location


@pytest.fixture
def clinic():
    return make_clinic()


@pytest.fixture
def pickering(clinic):
    return make_location(clinic, "Pickering")


@pytest.fixture
def milton(clinic):
    return make_location(clinic, "Milton")
