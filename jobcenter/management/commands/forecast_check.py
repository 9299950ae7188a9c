"""``manage.py forecast_check SCENARIO.json``: the forecast of a hand-written scenario as JSON.

The forecast's outside contract (see the README); bad input exits with code 2 naming the field,
with nothing on stdout (see ``citizens.scenario_command``).
"""

from citizens.scenario_command import ScenarioCommand
from jobcenter.forecast_scenario import run


class Command(ScenarioCommand):
    help = "Beregn prognosen for et scenarie (JSON-fil) og udskriv den som JSON."

    def run_scenario(self, rulebook, data):
        return run(rulebook, data)
