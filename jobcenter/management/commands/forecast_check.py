"""``manage.py forecast_check SCENARIO.json``: the forecast of a hand-written scenario as JSON.

The forecast's outside contract (see the README). A missing file, invalid JSON or a malformed
scenario prints a Danish error naming the field to stderr, nothing to stdout, and exits with 2.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from catalogue.selectors import current_rulebook
from citizens.scenario import ScenarioError
from jobcenter.forecast_scenario import run

EXIT_INVALID = 2


class Command(BaseCommand):
    help = "Beregn prognosen for et scenarie (JSON-fil) og udskriv den som JSON."

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
                f"Fejl: '{path}' er ikke gyldig JSON (linje {exc.lineno}, kolonne {exc.colno}: {exc.msg})."
            )
        try:
            result = run(current_rulebook(), data)
        except ScenarioError as exc:
            self.fail(f"Fejl i feltet '{exc.field}': {exc.message}.")
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
