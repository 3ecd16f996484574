"""Portal form rules: field definitions, hidden fields and a booking's custom field values."""

import pytest
from pydantic import ValidationError

from shared.models.portals import CustomFieldValue, Portal, PortalField, PortalWrite
from shared.rules.portal_fields import validate_custom_fields, visible

PHONE = PortalField(name="phone", type="Phone", validation={"required": True, "pattern": r"^\+?[0-9]{8,}$"})
EMAIL = PortalField(name="email", type="email")
CONSENT = PortalField(name="consent", type="Checkbox", validation={"required": True})
NEWSLETTER = PortalField(name="newsletter", type="Checkbox")
BRANCH = PortalField(name="branch", type="Dropdown", validation={"options": ["Aarhus", "Odense"]})
NOTE = PortalField(name="note", validation={"pattern": "[A-Z]+"})
FIELDS = [PHONE, EMAIL, CONSENT, NEWSLETTER, BRANCH, NOTE]
VALID = {"phone": "+4512345678", "consent": "true"}


def _values(**given) -> list[CustomFieldValue]:
    return [CustomFieldValue(key=k, value=v) for k, v in given.items()]


def test_valid_values_have_no_errors():
    assert validate_custom_fields(FIELDS, _values(**VALID, email="a@b.dk", branch="Odense", note="ABC",
                                                  newsletter="FALSE")) == {}


def test_a_missing_or_blank_required_field_is_an_error():
    assert validate_custom_fields([PHONE], []) == {"phone": ["This field is required."]}
    assert validate_custom_fields([PHONE], _values(phone="  ")) == {"phone": ["This field is required."]}


def test_optional_fields_may_be_left_out():
    assert validate_custom_fields([EMAIL, BRANCH, NOTE], []) == {}


def test_a_value_must_match_the_whole_pattern():
    assert "note" in validate_custom_fields(FIELDS, _values(**VALID, note="ABC1"))
    assert validate_custom_fields([PHONE], _values(phone="+45 1234")) == {
        "phone": ["Does not match the required format."]}


@pytest.mark.parametrize("phone", ["12 34 56 78", "+45-1234-5678", "(+45) 12345678"])
def test_phone_numbers_may_have_separators_when_no_pattern_says_otherwise(phone):
    assert validate_custom_fields([PortalField(name="phone", type="Phone")], _values(phone=phone)) == {}


def test_phone_and_email_formats_are_checked():
    errors = validate_custom_fields([PortalField(name="phone", type="Phone"), EMAIL],
                                    _values(phone="call me", email="not-an-email"))
    assert errors == {"phone": ["Not a phone number."], "email": ["Not an e-mail address."]}


def test_dropdown_values_must_be_one_of_the_options():
    errors = validate_custom_fields([BRANCH], _values(branch="Aalborg"))
    assert errors == {"branch": ["Must be one of: Aarhus, Odense."]}


def test_checkboxes_take_true_or_false_and_a_required_one_must_be_checked():
    assert validate_custom_fields([NEWSLETTER], _values(newsletter="yes")) == {
        "newsletter": ['Must be "true" or "false".']}
    assert validate_custom_fields([CONSENT], _values(consent="false")) == {"consent": ["This box must be checked."]}
    assert validate_custom_fields([CONSENT], [CustomFieldValue(key="consent", value=True)]) == {}


def test_unknown_keys_are_ignored_and_keys_match_names_ignoring_case():
    assert validate_custom_fields([PHONE], _values(PHONE="12345678", campaign="x")) == {}


def test_errors_are_reported_for_every_failing_field():
    errors = validate_custom_fields(FIELDS, _values(email="x", branch="Roskilde"))
    assert set(errors) == {"phone", "email", "consent", "branch"}


def test_a_pattern_that_does_not_compile_is_refused():
    with pytest.raises(ValidationError):
        PortalField(name="x", validation={"pattern": "([a-z"})


def test_a_dropdown_needs_options():
    with pytest.raises(ValidationError):
        PortalField(name="x", type="Dropdown")


def test_field_names_are_unique_within_a_portal():
    with pytest.raises(ValidationError):
        PortalWrite(name="P", fields=[{"name": "phone"}, {"name": "PHONE"}])


def test_hidden_fields_are_shown_only_when_asked():
    portal = Portal(id="3fa85f64-5717-4562-b3fc-2c963f66afa6", name="P",
                    fields=[PHONE, PortalField(name="campaign", hidden=True)])
    assert [f.name for f in visible(portal, False).fields] == ["phone"]
    assert [f.name for f in visible(portal, True).fields] == ["phone", "campaign"]


def test_a_pattern_that_would_make_a_backtracking_engine_take_hours_is_matched_at_once():
    from shared.models.portals import PortalField

    field = PortalField.model_validate({"name": "code", "validation": {"pattern": "(a+)+$"}})
    errors = validate_custom_fields([field], [CustomFieldValue(key="code", value="a" * 1999 + "!")])
    assert errors == {"code": ["Does not match the required format."]}


def test_a_pattern_only_a_backtracking_engine_can_match_is_refused_when_the_portal_is_saved():
    import pytest
    from pydantic import ValidationError

    from shared.models.portals import PortalField

    with pytest.raises(ValidationError, match="RE2"):
        PortalField.model_validate({"name": "code", "validation": {"pattern": r"(a)\1"}})
