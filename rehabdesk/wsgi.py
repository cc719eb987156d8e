"""WSGI entry point (gunicorn rehabdesk.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from rehabdesk.core.serving import ready_to_serve

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rehabdesk.settings")

application = get_wsgi_application()
ready_to_serve()
