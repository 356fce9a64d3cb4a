"""Refuses requests no page could answer sensibly, before anything reads them."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class NulCharacterMiddleware:
    """A NUL character in the path or the query string is a 400 (the GOV.UK "bad request" page,
    or JSON under /api/), never a value handed to the database: PostgreSQL refuses NUL in text,
    which would otherwise surface as a server error for a URL such as /model/x/%00/. Form
    fields already refuse NUL (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("The address contains a character that is not allowed.")
        return self.get_response(request)
