"""A paginator that stops counting: on a list of tens of thousands of rows the exact
count costs more than the page (docs/performance.md). It counts at most `cap` + 1 rows
(`SELECT COUNT(*) FROM (… LIMIT cap + 1)`), and says when there are more; the pages
beyond the cap are reached by narrowing the search, not by paging."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than were counted (the same one query)."""
        return self._counted > self.cap
