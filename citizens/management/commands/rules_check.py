"""``manage.py rules_check SCENARIO.json``: run a hand-written scenario against the current rules.

Prints the obligations as JSON; bad input exits with code 2 naming the field (see
``citizens.scenario_command``).
"""

from citizens.scenario import run_scenario
from citizens.scenario_command import ScenarioCommand


class Command(ScenarioCommand):
    help = "Kør et scenarie (JSON-fil) gennem de gældende kontaktregler og udskriv forpligtelserne."

    def run_scenario(self, rulebook, data):
        return run_scenario(rulebook, data)
