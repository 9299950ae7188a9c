import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


class GroupsValidator(OAuth2Validator):
    """Adds the claims an Entra ID / AD FS token carries: username, names, e-mail and groups."""

    oidc_claim_scope = None  # every claim in the ID token and userinfo, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        groups = json.loads(os.environ["KP_OP_USERS"])[user.username]["groups"]
        return {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "groups": groups,
        }
