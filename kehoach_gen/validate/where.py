"""Where a problem is: the file, line and dotted key of a value of the city template or of a
unit profile, or the key alone when the input did not come from a file."""

from __future__ import annotations

from typing import Literal

from ..errors import Loc, Problem, dotted
from ..loading import Loaded

Source = Literal["city", "profile"]


class Where:
    """Turns ``(source, loc, message, hint)`` into a located :class:`Problem`."""

    def __init__(self, city: Loaded | None = None, profile: Loaded | None = None):
        self.city = city
        self.profile = profile

    def __call__(self, source: Source, loc: Loc, message: str, hint: str = "", *,
                 warning: bool = False) -> Problem:
        loaded = self.city if source == "city" else self.profile
        if loaded is not None:
            return loaded.problem(loc, message, hint, warning=warning)
        return Problem(message=message, file="city_template.yaml" if source == "city" else None,
                       key=dotted(loc), hint=hint, warning=warning)
