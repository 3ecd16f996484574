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
    ALL = "All"
    ACTIVE = "Active"
    INACTIVE = "Inactive"


class LabelWrite(ApiModel):
    label_name: LabelName
    color: Color = Field(DEFAULT_COLOR, description="#RRGGBB")
    description: Description | None = None
    is_active: bool = True


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

    label_name: LabelName | None = None
    color: Color | None = None
    description: Description | None = None
    is_active: bool | None = None


class Label(LabelWrite):
    """A stored registration; its usage is counted from the resources, never stored."""

    id: Uuid
    first_seen: UtcDateTime
    last_updated: UtcDateTime


class LabelRegistration(Label):
    usage_count: int = Field(0, description="Competence groups, service groups and portals carrying the label.")


class LabelSearchResult(LabelRegistration):
    similarity: float = Field(ge=0, le=1)


class LabelSuggestion(ApiModel):
    id: Uuid
    label_name: str
    usage_count: int


class LabelPage(ApiModel):
    items: list[LabelRegistration]
    page_number: int
    page_size: int
    total_count: int


class LabelListQuery(ApiModel):
    page_number: int = Field(0, ge=0, description="0-based page number.")
    page_size: int = Field(20, ge=1, le=100)
    active_filter: ActiveFilter = ActiveFilter.ALL


class LabelSearchQuery(ApiModel):
    q: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="The text to search for.")
    threshold: float = Field(0.3, ge=0, le=1, description="Lowest similarity returned.")
    limit: int = Field(20, ge=1, le=100)
    active_filter: ActiveFilter = ActiveFilter.ALL


class LabelSuggestQuery(ApiModel):
    prefix: Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Start of the label name, any case.")
    limit: int = Field(10, ge=1, le=100)
    active_filter: ActiveFilter = ActiveFilter.ALL


class LabelsQuery(ApiModel):
    labels: list[Line] = Field([], description="Keep only items carrying all of these labels (any case).")
