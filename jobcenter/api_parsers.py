"""The API's JSON parser (apart from api_base, so that DRF's settings can import it early)."""

import io

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "Payload too large."
    default_code = "too_large"


class LimitedJSONParser(JSONParser):
    """JSON, refused with 413 beyond DATA_UPLOAD_MAX_MEMORY_SIZE (DRF itself does not check it)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if stream is None:
            return super().parse(stream, media_type, parser_context)
        body = stream.read(limit + 1) if limit else stream.read()
        if limit and len(body) > limit:
            raise PayloadTooLarge()
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            # json.loads recurses per nesting level: deeply nested input is refused, not a 500.
            raise exceptions.ParseError("JSON er for dybt indlejret.") from None
