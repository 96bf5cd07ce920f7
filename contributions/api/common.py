"""Small helpers every area of the API shares: reading a request body, answering a page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def valid_data(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request body checked by `serializer_class`; a bad one answers 400."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def paginated_response(
    view: APIView,
    queryset: QuerySet | list,
    serializer_class: type[serializers.Serializer],
    *,
    pagination_class: type[PageNumberPagination] = PageNumberPagination,
) -> Response:
    """One page of `queryset` (`?page=N`), serialized, with the count and next/previous links."""
    paginator = pagination_class()
    page = paginator.paginate_queryset(queryset, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
