"""The app gunicorn serves during the bench: deftweb plus the prodtask-style reference pages."""

from bench.prodtask_style import with_reference
from deftweb import create_app

app = with_reference(create_app())
