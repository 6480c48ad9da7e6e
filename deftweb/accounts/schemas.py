"""The signed-in user, as `GET /api/v1/me` returns them."""

import marshmallow as ma
from flask import g


class IdentitySchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "saml or x509"})
    issuer = ma.fields.String()
    identifier = ma.fields.String(metadata={"description": "SSO login, or certificate DN"})
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)


class MembershipSchema(ma.Schema):
    group = ma.fields.Function(lambda m: m.working_group.code)
    role = ma.fields.String(metadata={"description": "member or convener"})
    source = ma.fields.String(metadata={"description": "sso (from the SSO roles) or manual"})


class MeSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    display_name = ma.fields.String()
    email = ma.fields.String(allow_none=True)
    person_id = ma.fields.String(allow_none=True)
    notify_mode = ma.fields.String()
    roles = ma.fields.Function(lambda user: sorted(user.global_roles))
    identities = ma.fields.List(ma.fields.Nested(IdentitySchema))
    memberships = ma.fields.List(ma.fields.Nested(MembershipSchema))
    authenticated_by = ma.fields.Function(
        lambda _user: g.get("auth_method"),
        metadata={"description": "How this request was authenticated: saml, x509, token or dev"},
    )
