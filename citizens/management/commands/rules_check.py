"""``manage.py rules_check SCENARIO.json``: run a hand-written scenario against the current rules.

Prints the obligations as JSON. A missing file, invalid JSON or a malformed scenario prints a
Danish error naming the field to stderr and exits with code 2.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from catalogue.selectors import current_rulebook
from citizens.scenario import ScenarioError, run_scenario

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Kør et scenarie (JSON-fil) gennem de gældende kontaktregler og udskriv forpligtelserne."

    def add_arguments(self, parser):
        parser.add_argument("scenario", help="Sti til scenariefilen (JSON).")

    def fail(self, message: str) -> None:
        self.stderr.write(message)
        raise SystemExit(EXIT_INVALID)

    def handle(self, *args, **options):
        path = Path(options["scenario"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.fail(f"Fejl: filen '{path}' findes ikke.")
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(f"Fejl: filen '{path}' kan ikke læses ({exc}).")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self.fail(
                f"Fejl: '{path}' er ikke gyldig JSON "
                f"(linje {exc.lineno}, kolonne {exc.colno}: {exc.msg})."
            )
        try:
            rows = run_scenario(current_rulebook(), data)
        except ScenarioError as exc:
            self.fail(f"Fejl i feltet '{exc.field}': {exc.message}.")
        self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
