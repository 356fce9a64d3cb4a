from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class PortalPagination(PageNumberPagination):
    """Pages of at most MAX_PAGE_SIZE items (``page`` and ``page_size`` are checked first by the
    view: a bad value is a 400, a page past the end a 404)."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
