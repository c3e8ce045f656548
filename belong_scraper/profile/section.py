"""The base of every table of a profile: frozen, unknown keys refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    # Unknown keys are mistakes (a typo silently read as "no selectors" is how a field
    # goes missing from every record): refused at load, with the closest known key.
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
