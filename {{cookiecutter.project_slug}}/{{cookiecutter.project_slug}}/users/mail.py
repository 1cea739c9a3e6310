"""Mail the project sends to people: invitations and password resets.

Sent through EMAIL_URL's backend (config/email.py). Each mail carries a link under APP_URL, the
app people open; the link's token is the only secret in it, and the database keeps no copy of it.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail


def app_link(path, **query):
    """An absolute link to ``path`` under APP_URL, with ``query`` in its query string."""
    link = f"{settings.APP_URL.rstrip('/')}{path}"
    return f"{link}?{urlencode(query)}" if query else link


def send(to, subject, text):
    """Mail ``text`` to one address, from DEFAULT_FROM_EMAIL; a failing backend raises."""
    send_mail(subject, text, None, [to], fail_silently=False)
