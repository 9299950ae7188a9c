"""Translation for the pure modules (the obligation engine, the rule-set comparison).

They build Danish sentences; in the web app these follow the user's language, outside Django
(benchmarks, scripts without settings) they stay Danish. Only ``django.conf`` and
``django.utils.translation`` are touched, never the ORM. Messages are Danish msgids, extracted
by ``makemessages`` from calls to ``gettext(...)`` and ``gettext_noop(...)``.
"""

from __future__ import annotations

try:
    from django.conf import settings as _settings
    from django.utils import translation as _translation
except ImportError:  # pragma: no cover - the engine on its own
    _settings = None  # type: ignore[assignment]

SOURCE_LANGUAGE = "da"
_TRANSLATED: dict[tuple[str, str], str] = {}


_configured = False


def active_language() -> str:
    """The user's language in the web app; Danish where Django's settings are not configured."""
    global _configured
    if not _configured:
        if _settings is None or not _settings.configured:
            return SOURCE_LANGUAGE
        _configured = True  # settings, once configured, stay so
    return _translation.get_language() or SOURCE_LANGUAGE


def gettext(message: str, language: str | None = None) -> str:
    """``message`` (Danish) in ``language`` (default: the active one), cached per language."""
    language = language or active_language()
    if language == SOURCE_LANGUAGE or not message:
        return message
    key = (message, language)
    found = _TRANSLATED.get(key)
    if found is None:
        with _translation.override(language):
            found = _TRANSLATED[key] = _translation.gettext(message)
    return found
