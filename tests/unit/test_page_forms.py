"""The booking page's form posts: what a customer types is kept as the API would take it as text."""

from urllib.parse import urlencode

import azure.functions as func

from functions.page.web import form_of


def posted(fields: dict[str, str]) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://localhost/api/book/x/confirm", body=urlencode(fields).encode(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_a_pasted_phone_number_with_no_break_spaces_is_kept():
    pasted = "+45\u00a012\u00a034\u00a056\u00a078"
    assert form_of(posted({"Phone": pasted}))["Phone"] == pasted


def test_a_value_with_a_control_character_is_left_out_and_newlines_are_kept():
    form = form_of(posted({"Note": "two\r\nlines", "Bad": "bell\x07"}))
    assert form == {"Note": "two\r\nlines"}
