from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from citizens.refresh import refresh_all
from jobcenter.demo import DEMO_LOGINS, DEMO_PASSWORD, run_follow_ups, seed_demo


class Command(BaseCommand):
    help = "Byg en deterministisk demokommune (teams, medarbejdere, borgere, forløb og kontakter)."

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=4000, help="Antal borgere (standard 4000).")
        parser.add_argument("--seed", type=int, default=2026, help="Startværdi for tilfældighedsgeneratoren.")
        parser.add_argument(
            "--on",
            type=date.fromisoformat,
            default=None,
            help="Referencedato (ÅÅÅÅ-MM-DD); standard er i dag.",
        )
        parser.add_argument("--no-refresh", action="store_true", help="Beregn ikke kontaktkrav bagefter.")
        parser.add_argument(
            "--no-follow-ups", action="store_true", help="Spring opfølgende trin over (prognosen)."
        )

    def handle(self, *args, citizens, seed, on, no_refresh, no_follow_ups, **options):
        if citizens < 0:
            raise CommandError("--citizens skal være 0 eller mere.")
        on = on or timezone.localdate()
        summary = seed_demo(citizens=citizens, seed=seed, on=on)
        if summary.created:
            self.stdout.write(
                f"Demodata oprettet: {summary.teams} teams, {summary.staff} medarbejdere, "
                f"{summary.citizens} borgere, {summary.enrolments} forløb, {summary.contacts} kontakter."
            )
            if not no_refresh:
                refreshed = refresh_all(on=on)
                self.stdout.write(f"Kontaktkrav beregnet for {refreshed} borgere.")
            if not no_follow_ups:
                for line in run_follow_ups(on):
                    self.stdout.write(line)
        else:
            self.stdout.write(f"Demodata findes allerede ({summary.citizens} borgere); intet ændret.")
        logins = ", ".join(login for login, *_ in DEMO_LOGINS)
        self.stdout.write(f"Demo-logins (adgangskode '{DEMO_PASSWORD}'): {logins}")
