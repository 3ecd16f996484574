"""Portal form rules: which fields a reader sees, and whether a booking's values fit the form."""

import re
from collections.abc import Sequence

from shared.models.portals import CustomFieldValue, FieldType, Portal, PortalField

_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")
_CHECKBOX = {"true", "false"}
# What a portal accepts in one field, whatever the meeting model would store.
MAX_VALUE_LENGTH = CustomFieldValue.model_fields["value"].metadata[0].max_length


def visible(portal: Portal, include_hidden: bool) -> Portal:
    """The portal with its hidden fields left out unless asked for."""
    if include_hidden:
        return portal
    return portal.model_copy(update={"fields": [f for f in portal.fields if not f.hidden]})


def validate_custom_fields(fields: Sequence[PortalField], values: Sequence[CustomFieldValue]) -> dict[str, list[str]]:
    """Errors per field name for a booking's values against its portal's fields; empty when valid.

    Keys match field names ignoring case; unknown keys are ignored; a repeated key keeps its
    last value. A blank value counts as missing. Patterns must match the whole value. A
    required Checkbox must be "true" (checked), as in an HTML form.
    """
    given = {value.key.strip().lower(): (value.value or "").strip() for value in values}
    errors: dict[str, list[str]] = {}
    for field in fields:
        problems = _problems(field, given.get(field.name.lower(), ""))
        if problems:
            errors[field.name] = problems
    return errors


def _problems(field: PortalField, value: str) -> list[str]:
    rules = field.validation
    if not value:
        return ["This field is required."] if rules.required else []
    if len(value) > MAX_VALUE_LENGTH:
        return [f"At most {MAX_VALUE_LENGTH} characters."]
    problems = []
    if field.type is FieldType.PHONE and not _PHONE.fullmatch(_PHONE_SEPARATORS.sub("", value)):
        problems.append("Not a phone number.")
    if field.type is FieldType.EMAIL and not is_email(value):
        problems.append("Not an e-mail address.")
    if field.type is FieldType.CHECKBOX:
        if value.lower() not in _CHECKBOX:
            problems.append('Must be "true" or "false".')
        elif rules.required and value.lower() == "false":
            problems.append("This box must be checked.")
    if field.type is FieldType.DROPDOWN and value not in rules.options:
        problems.append(f"Must be one of: {', '.join(rules.options)}.")
    if rules.pattern and not _matches(rules.pattern, value):
        problems.append("Does not match the required format.")
    return problems


def is_email(value: str) -> bool:
    from email_validator import EmailNotValidError, validate_email  # on first use, not at cold start

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def compile_pattern(pattern: str):
    """A portal field's pattern compiled for RE2, which matches in time linear in the value (a
    backtracking engine can take hours on `(a+)+$`); ValueError when RE2 cannot take it
    (backreferences, lookaround)."""
    import re2  # on first use, not at cold start

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as error:
        message = error.args[0].decode() if error.args and isinstance(error.args[0], bytes) else str(error)
        raise ValueError(f"not a regular expression BookMe can match safely (RE2 syntax): {message}") from None


def _matches(pattern: str, value: str) -> bool:
    try:
        return compile_pattern(pattern).fullmatch(value) is not None
    except ValueError:
        # Patterns are checked when a portal is saved; an old bad one must not fail bookings.
        return True
