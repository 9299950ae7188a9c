"""After a load run: every contact the server acknowledged (notes in $LOAD_ACKED) is stored exactly
once. Prints the counts; exit code 1 when one is missing or doubled."""

import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobcenter.settings")

import django  # noqa: E402

django.setup()

from citizens.models import Contact  # noqa: E402

acked = Path(os.environ.get("LOAD_ACKED", "acked-contacts.txt")).read_text().split()
stored = Counter(Contact.objects.filter(note__startswith="load-").values_list("note", flat=True))
missing = [note for note in acked if stored[note] == 0]
doubled = [note for note in acked if stored[note] > 1]
print(f"contacts acknowledged: {len(acked)}, stored: {sum(stored[n] for n in acked)}, "
      f"missing: {len(missing)}, stored twice or more: {len(doubled)}")
sys.exit(1 if missing or doubled else 0)
