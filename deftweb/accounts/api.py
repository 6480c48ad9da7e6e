"""API: who am I (the user behind the session, token or certificate)."""

from flask_login import current_user, login_required

from deftweb.accounts.schemas import MeSchema
from deftweb.api import api_blueprint

blp = api_blueprint("api_me", __name__, "The signed-in user")


@blp.get("/me")
@blp.response(200, MeSchema)
@blp.alt_response(401, description="Not signed in: no valid session, token or certificate")
@login_required
def get_me():
    """The user, their identities, working-group memberships and global roles."""
    return current_user._get_current_object()
