"""Settings for check-only commands such as ``manage.py validate_taxonomy``.

They read files and print verdicts: nothing is signed, no session or cookie outlives the
process, so a key made up for this run is enough. The web server never uses this module
(wsgi.py and every other command load ``cephportal.settings``, which refuses to start
without a real SECRET_KEY when DEBUG is off).
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "check-only-" + secrets.token_urlsafe(32))

from cephportal.settings import *  # noqa: F403
