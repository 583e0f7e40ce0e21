"""Script services: versions (files, editor, export, diff), runs on cases, suggestions, effectiveness."""

from helpdesk.scripts.services.suggest import suggest_script

__all__ = ["suggest_script"]
