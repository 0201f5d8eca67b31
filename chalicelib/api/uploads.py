"""Bodies of category and product writes: JSON, or a multipart form whose file field
``image`` carries the image."""

from __future__ import annotations

from typing import Any

from chalice.app import Request

from chalicelib.api.deferred import api, domain, services
from chalicelib.api.http import json_body

MULTIPART = "multipart/form-data"
IMAGE_FIELD = "image"
# Room for the other fields and the multipart framing around a largest image.
FORM_FRAMING_BYTES = 64 * 1024


def max_form_bytes() -> int:
    return services.images.MAX_IMAGE_BYTES + FORM_FRAMING_BYTES


def fields_and_image(request: Request) -> tuple[Any, domain.images.ImageChange]:
    """The fields to validate, and what to do with the image.

    JSON can only remove the image (``"image": null``). A form replaces it with a file in
    ``image``, or removes it with an empty ``image`` text field (a form has no null); a
    file input left empty (no name, no bytes) changes nothing. Any other ``image`` value
    stays among the fields, where validation refuses it.
    """
    if not is_multipart(request):
        body = json_body(request)
        removes = isinstance(body, dict) and IMAGE_FIELD in body and body[IMAGE_FIELD] is None
        return body, domain.images.REMOVE if removes else domain.images.KEEP
    # Loaded only when a form arrives: most requests, and a cold start, never need it.
    form = api.multipart.parse_form(request, max_form_bytes())
    fields: dict[str, Any] = dict(form.fields)
    image = domain.images.KEEP
    if fields.get(IMAGE_FIELD) == "":
        del fields[IMAGE_FIELD]
        image = domain.images.REMOVE
    upload = form.files.get(IMAGE_FIELD)
    if upload is not None and (upload.filename or upload.content):
        fields.pop(IMAGE_FIELD, None)
        image = domain.images.ImageChange(
            upload=domain.images.ImageUpload(upload.filename, upload.content)
        )
    return fields, image


def is_multipart(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == MULTIPART
