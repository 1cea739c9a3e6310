"""Pages of at most MAX_PAGE_SIZE rows, and a clear 400 for a limit or offset out of range."""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination

# PostgreSQL's OFFSET and LIMIT are bigints: anything larger is an error in the database.
MAX_BIGINT = 2**63 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=`` up to MAX_PAGE_SIZE (larger values are capped), ``?offset=`` a bigint."""

    @property
    def max_limit(self):
        return settings.MAX_PAGE_SIZE

    def get_limit(self, request):
        self._check_integer(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request):
        self._check_integer(request, self.offset_query_param)
        return super().get_offset(request)

    def _check_integer(self, request, name):
        value = request.query_params.get(name)
        if value is None:
            return
        if not value.isascii() or not value.isdigit() or int(value) > MAX_BIGINT:
            raise ParseError(f"{name} must be a whole number from 0 to {MAX_BIGINT}.")
