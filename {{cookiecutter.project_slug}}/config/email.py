"""Mail settings from one URL, ``EMAIL_URL``, in django-environ's forms.

``smtp://user:password@host:587`` (``smtp+tls://``, ``smtps://`` for TLS), ``consolemail://``
(printed by the server: what ``make run`` uses), ``filemail://DIR`` (one file per message in DIR),
``memorymail://`` (kept in memory: the in-process tests).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured


def email_settings(url):
    """The EMAIL_* settings ``url`` names, for the settings module to take as its own."""
    try:
        config = environ.Env.email_url_config(url)
    except (ImproperlyConfigured, KeyError, ValueError) as error:
        raise ImproperlyConfigured(
            f"EMAIL_URL={url!r} is not a mail URL: use smtp://USER:PASSWORD@HOST:PORT, "
            "consolemail://, filemail://DIR or memorymail://"
        ) from error
    if url.startswith("filemail://"):
        # django-environ drops the leading "/" of an absolute path: take the folder as written.
        folder = url.removeprefix("filemail://")
        if not folder:
            raise ImproperlyConfigured("EMAIL_URL=filemail:// names no folder: use filemail://DIR")
        config["EMAIL_FILE_PATH"] = str(Path(folder).resolve())
    return config
