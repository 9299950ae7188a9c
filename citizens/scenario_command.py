"""The shared shape of the scenario commands (``rules_check``, ``forecast_check``): read a JSON file,
run it, print JSON. A missing file, invalid JSON or a malformed scenario prints a Danish error
naming the field to stderr, nothing to stdout, and exits with code 2 (their outside contract)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from catalogue.selectors import current_rulebook
from citizens.scenario import ScenarioError

EXIT_INVALID = 2


class ScenarioCommand(BaseCommand):
    def run_scenario(self, rulebook, data: Any) -> Any:  # pragma: no cover - each command has its own
        raise NotImplementedError

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
            result = self.run_scenario(current_rulebook(), data)
        except ScenarioError as exc:
            self.fail(f"Fejl i feltet '{exc.field}': {exc.message}.")
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
