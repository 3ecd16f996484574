"""Control characters and lone surrogates, decided per kind of field (shared/models/common.py)."""

import pytest
from pydantic import ValidationError

from shared.models.common import ApiModel, Email, Line, Text
from shared.models.directory import EmployeeUpsert, RoomUpsert
from shared.models.meetings import MeetingCreate
from shared.models.portals import PortalWrite


class Sample(ApiModel):
    name: Line
    note: Text
    email: Email | None = None


HOSTILE = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\ud800"]


@pytest.mark.parametrize("bad", HOSTILE + ["\n", "\r", "\t"])
def test_a_line_refuses_control_characters_and_lone_surrogates(bad):
    with pytest.raises(ValidationError, match="printable"):
        Sample.model_validate({"name": f"Ann{bad}e", "note": "ok"})


@pytest.mark.parametrize("bad", HOSTILE[:-2] + ["\ud800"])
def test_free_text_refuses_control_characters_other_than_line_breaks(bad):
    with pytest.raises(ValidationError, match="printable"):
        Sample.model_validate({"name": "Anne", "note": f"a{bad}b"})


def test_free_text_keeps_newlines_tabs_and_any_printable_script():
    note = "Line one\r\nLine two\twith a tab: æøå, 日本語, emoji \U0001F600, Arabic مرحبا"
    assert Sample.model_validate({"name": "Zoë Ångström-日本", "note": note}).note == note


@pytest.mark.parametrize("bad", ["a\x00@bank.dk", "a@bank.dk\n", "a@b\u2028ank.dk"])
def test_email_addresses_refuse_control_characters(bad):
    with pytest.raises(ValidationError):
        Sample.model_validate({"name": "x", "note": "y", "email": bad})


@pytest.mark.parametrize(("model", "document"), [
    (EmployeeUpsert, {"name": "Ann\x00"}),
    (EmployeeUpsert, {"name": "Ann", "title": "x" * 201}),
    (RoomUpsert, {"name": "R", "capacity": 2, "location": "Aarhus", "features": ["tv\x1b"]}),
    (PortalWrite, {"name": "P", "styling": "body{}\x00"}),
    (MeetingCreate, {"bookedBy": "Employee", "salesforceId": "s\x00", "employeeId": "3fa85f64-5717-4562-b3fc-"
                     "2c963f66afa6", "customerId": "c", "type": "Online"}),
    (MeetingCreate, {"bookedBy": "Employee", "salesforceId": "s", "employeeId": "3fa85f64-5717-4562-b3fc-"
                     "2c963f66afa6", "customerId": "c", "type": "Online",
                     "customFields": [{"key": "k\n", "value": "v"}]}),
])
def test_every_model_applies_the_field_rules(model, document):
    with pytest.raises(ValidationError):
        model.model_validate(document)


def test_portal_styling_keeps_multi_line_css():
    css = "body {\n\tcolor: #333;\n}\n"
    assert PortalWrite.model_validate({"name": "P", "styling": css}).styling == css
