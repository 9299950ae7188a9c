"""Start the test OpenID Connect provider: python -m tests.sso.provider.run PORT WORKDIR CONFIG_JSON

CONFIG_JSON: {"client_id", "client_secret", "redirect_uri", "users": {username: {"password",
"first_name", "last_name", "email", "groups"}}}. Prints "ready" once it listens on 127.0.0.1:PORT.
"""

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


def main() -> None:
    port, workdir, config = int(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
            "KP_OP_DB": str(workdir / "provider.sqlite3"),
            "KP_OP_USERS": json.dumps(config["users"]),
            "KP_OP_RSA_KEY": key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
        }
    )
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username, user in config["users"].items():
        User.objects.create_user(
            username,
            password=user["password"],
            first_name=user.get("first_name", ""),
            last_name=user.get("last_name", ""),
            email=user.get("email", ""),
        )
    Application.objects.create(
        name="Kontaktplan",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", port, get_wsgi_application(), ThreadingServer, QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
