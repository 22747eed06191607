"""uvicorn's httptools protocol with a bound on a request's head (request line and headers).

h11, uvicorn's pure-Python parser, refuses a head over 16 KiB; httptools has no limit and
keeps buffering a header that never ends, so a client reaching a service without the proxy
could fill its memory with one request. This protocol answers 400 and closes, as h11 did,
when a head passes ``MAX_REQUEST_HEAD_BYTES``: a complete head is measured when its headers
end (a body arriving in the same read is not counted), and the bytes of a head still
incomplete after a read are added up, so one that never ends is cut off too.
"""

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["MAX_REQUEST_HEAD_BYTES", "BoundedHttpToolsProtocol"]

MAX_REQUEST_HEAD_BYTES = 16 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # between a message's first byte and the end of its headers
        self._head_bytes = 0

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > MAX_REQUEST_HEAD_BYTES:
            # Raised in a parser callback: uvicorn answers 400 and closes the connection.
            raise ValueError("request line and headers too large")
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        was_in_head = self._in_head
        super().data_received(data)
        if was_in_head and self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._head_bytes > MAX_REQUEST_HEAD_BYTES:
                self.send_400_response("Request line and headers too large.")
