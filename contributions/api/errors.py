"""How service refusals become API answers, in one place for every area of the API."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import PermissionDenied as Forbidden

from contributions.services.core import ConflictError, PermissionDenied, ServiceError


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request was refused."
    default_code = "refused"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this entry first."
    default_code = "conflict"


def call_service(function: Any, *, hide_denied: bool = False, **kwargs: Any) -> Any:
    """Run a service, turning its refusals into API answers.

    `hide_denied` answers 404 instead of 403, so that nobody learns that another person's
    draft exists.
    """
    try:
        return function(**kwargs)
    except ConflictError as error:
        raise Conflict(str(error)) from error
    except PermissionDenied as error:
        if hide_denied:
            raise Http404 from error
        raise Forbidden(str(error)) from error
    except ServiceError as error:
        raise Refused(str(error)) from error
