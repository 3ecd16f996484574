"""Labels (V3): the registry of names that competence groups, service groups and portals carry."""

from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from shared.models.common import ApiEnum, ApiModel, Line, Text, UtcDateTime, Uuid

DEFAULT_COLOR = "#808080"

LabelName = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Color = Annotated[Line, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9A-Fa-f]{6}$"),
                  AfterValidator(str.upper)]
Description = Annotated[Text, StringConstraints(max_length=1000)]


class ActiveFilter(ApiEnum):
    """Which labels to list: All, only Active ones, or only Inactive ones."""

    ALL = "All"
    ACTIVE = "Active"
    INACTIVE = "Inactive"


LABEL_NAME = "The label's name, unique ignoring case."
COLOR = "Display color, `#RRGGBB` (stored upper case)."
LABEL_DESCRIPTION = "What the label means."
ACTIVE = "Whether the label is offered for new use."


class LabelWrite(ApiModel):
    label_name: LabelName = Field(description=LABEL_NAME)
    color: Color = Field(DEFAULT_COLOR, description=f"{COLOR} Default `{DEFAULT_COLOR}`.")
    description: Description | None = Field(default=None, description=LABEL_DESCRIPTION)
    is_active: bool = Field(default=True, description=f"{ACTIVE} Default true.")


READ_ONLY_FIELDS = ("id", "usageCount", "firstSeen", "lastUpdated")


class LabelPatch(ApiModel):
    """A merge: the given fields replace the stored ones, the others stay; read-only fields
    are refused (400) rather than ignored, so a client never believes it changed them."""

    @model_validator(mode="before")
    @classmethod
    def _no_read_only_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name in READ_ONLY_FIELDS:
                if name in data:
                    raise ValueError(f"'{name}' is read-only and cannot be patched")
        return data

    label_name: LabelName | None = Field(default=None, description=f"{LABEL_NAME} Omitted: unchanged.")
    color: Color | None = Field(default=None, description=f"{COLOR} Omitted: unchanged.")
    description: Description | None = Field(default=None, description=f"{LABEL_DESCRIPTION} Omitted: unchanged.")
    is_active: bool | None = Field(default=None, description=f"{ACTIVE} Omitted: unchanged.")


class Label(LabelWrite):
    """A stored registration; its usage is counted from the resources, never stored."""

    id: Uuid = Field(description="The label's id.")
    first_seen: UtcDateTime = Field(description="When the label was registered.")
    last_updated: UtcDateTime = Field(description="When the label was last changed.")


class LabelRegistration(Label):
    usage_count: int = Field(0, description="Competence groups, service groups and portals carrying the label.")


class LabelSearchResult(LabelRegistration):
    similarity: float = Field(ge=0, le=1, description="How close the name is to the search text, 0 to 1.")


class LabelSuggestion(ApiModel):
    id: Uuid = Field(description="The label's id.")
    label_name: str = Field(description="The label's name.")
    usage_count: int = Field(description="Competence groups, service groups and portals carrying the label.")


class LabelPage(ApiModel):
    items: list[LabelRegistration] = Field(description="The labels of this page, sorted by name.")
    page_number: int = Field(description="This page's number, from 0.")
    page_size: int = Field(description="The most labels a page holds.")
    total_count: int = Field(description="How many labels match, on all pages.")


ACTIVE_FILTER = "All (default), Active or Inactive labels."
LIMIT = "The most results to return, 1 to 100."


class LabelListQuery(ApiModel):
    page_number: int = Field(0, ge=0, description="0-based page number. Default 0.")
    page_size: int = Field(20, ge=1, le=100, description="Labels per page, 1 to 100. Default 20.")
    active_filter: ActiveFilter = Field(ActiveFilter.ALL, description=ACTIVE_FILTER)


class LabelSearchQuery(ApiModel):
    q: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="The text to search for.", examples=["Bolig"])
    threshold: float = Field(0.3, ge=0, le=1, description="Lowest similarity returned, 0 to 1. Default 0.3.")
    limit: int = Field(20, ge=1, le=100, description=f"{LIMIT} Default 20.")
    active_filter: ActiveFilter = Field(ActiveFilter.ALL, description=ACTIVE_FILTER)


class LabelSuggestQuery(ApiModel):
    prefix: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Start of the label name, any case.", examples=["Pre"])
    limit: int = Field(10, ge=1, le=100, description=f"{LIMIT} Default 10.")
    active_filter: ActiveFilter = Field(ActiveFilter.ALL, description=ACTIVE_FILTER)


class LabelsQuery(ApiModel):
    labels: list[Line] = Field([], description="Keep only items carrying all of these labels (any case).")
