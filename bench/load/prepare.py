"""Give every caseworker and team leader of a THROWAWAY load-test database the password in
$LOAD_PASSWORD and print `LOAD_CASEWORKERS=...` and `LOAD_LEADERS=...` for run.sh. Never on a real
database: it changes passwords."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from jobcenter.models import Role, StaffMember  # noqa: E402

password = make_password(os.environ.get("LOAD_PASSWORD", "demo"))  # hashed once, set on every user
names = {}
for role in (Role.CASEWORKER, Role.TEAM_LEADER):
    staff = StaffMember.objects.filter(role=role, user__is_active=True).select_related("user")
    users = [member.user for member in staff]
    for user in users:
        user.password = password
    if users:
        type(users[0]).objects.bulk_update(users, ["password"])
    names[role] = ",".join(sorted(u.username for u in users))
print(f"LOAD_CASEWORKERS={names[Role.CASEWORKER]}")
print(f"LOAD_LEADERS={names[Role.TEAM_LEADER]}")
