"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from deftweb.api import Api
from deftweb.models.base import db

migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
api = Api()

__all__ = ["api", "csrf", "db", "login_manager", "migrate"]
