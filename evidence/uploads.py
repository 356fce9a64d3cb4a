"""An upload handler that refuses an evidence file over the size limit while it streams in, before
it is read into memory or written to a temporary file. It goes first in `request.upload_handlers`;
Django's own handlers (memory for small files, a temporary file for large ones) follow it.

A body larger than the limit (plus room for the form's other fields) is refused as soon as its
Content-Length is seen; a part that turns out larger while streaming is skipped. Either way the
rest of the body is read and discarded in chunks, so the page can answer with an error message
(never a 500, never an upload held in memory)."""

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from .validation import max_upload_bytes

# Room for the other fields of the form (title, description, token) around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


class EvidenceSizeLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.too_large = False
        self._body_too_large = False

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        if content_length and content_length > self.limit + FORM_OVERHEAD_BYTES:
            self._body_too_large = True
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self._body_too_large or (self.content_length and self.content_length > self.limit):
            self.too_large = True
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
