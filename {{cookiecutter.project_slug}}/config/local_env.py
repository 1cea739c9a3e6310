"""Development and tests only: a developer's ``.env`` fills in what the environment leaves unset.

Imported first by ``config.settings.local`` and ``config.settings.test``, before ``base.py``
reads the environment. Production settings never import it, so no file can feed them a value.
A clean clone has no ``.env``, and needs none.
"""

from pathlib import Path

import environ

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"

if ENV_FILE.is_file():
    # It never overrides a variable the real environment sets.
    environ.Env.read_env(ENV_FILE, overwrite=False)
