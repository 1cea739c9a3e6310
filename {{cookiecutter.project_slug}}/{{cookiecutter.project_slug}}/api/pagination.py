"""Pages of at most MAX_PAGE_SIZE rows, a clear 400 for a limit or offset out of range, and the
page and its total in one statement.

DRF counts (``SELECT COUNT(*)``) and then reads the page: two statements per list request.
Here the page's query carries the total as an uncorrelated scalar subquery, which PostgreSQL
runs once (an InitPlan) with the plan a separate count would get: an index-only count, and
the page still read in index order up to its LIMIT. Only a page past the end, which has no row
to carry the total, counts separately; a queryset with DISTINCT or GROUP BY is paginated the
plain DRF way.
"""

from django.conf import settings
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination

# PostgreSQL's OFFSET and LIMIT are bigints: anything larger is an error in the database.
MAX_BIGINT = 2**63 - 1
TOTAL = "pagination_total"


def counted(queryset):
    """``queryset`` with every row annotated with the number of rows of the whole queryset."""
    total = queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("*")).values("n")
    return queryset.annotate(**{TOTAL: Subquery(total, output_field=IntegerField())})


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=`` from 1 up to MAX_PAGE_SIZE (larger values are capped), ``?offset=`` from 0, a bigint."""

    @property
    def max_limit(self):
        return settings.MAX_PAGE_SIZE

    def get_limit(self, request):
        # DRF would read limit=0 as "the default page": a 400 here, as the schema's minimum says.
        self._check_integer(request, self.limit_query_param, minimum=1)
        return super().get_limit(request)

    def get_offset(self, request):
        self._check_integer(request, self.offset_query_param, minimum=0)
        return super().get_offset(request)

    def _check_integer(self, request, name, minimum):
        value = request.query_params.get(name)
        if value is None:
            return
        if not value.isascii() or not value.isdigit() or not minimum <= int(value) <= MAX_BIGINT:
            raise ParseError(f"{name} must be a whole number from {minimum} to {MAX_BIGINT}.")

    def get_schema_operation_parameters(self, view):
        """DRF's ``limit`` and ``offset`` parameters, with the smallest value each accepts."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1 if parameter["name"] == self.limit_query_param else 0
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        if not isinstance(queryset, QuerySet) or queryset.query.distinct or queryset.query.group_by:
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        page = list(counted(queryset)[self.offset : self.offset + self.limit])
        if page:
            self.count = getattr(page[0], TOTAL)
        else:
            self.count = self.get_count(queryset) if self.offset else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return page
