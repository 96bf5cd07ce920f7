"""cephportal: a web portal for teaching an InstructLab model through its taxonomy."""

from .celery import app as celery_app

__all__ = ("celery_app",)
