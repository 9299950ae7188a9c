"""python manage.py import_caseload FILE [--commit]: see citizens/import_check.py for the format."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from citizens.importer import read_path, run_import


class Command(BaseCommand):
    help = (
        "Importér en sagsstamme fra CSV eller XLSX (kolonner: cpr, first_name, last_name, team, "
        "caseworker, target_group, start; valgfrit én kontakt pr. række: contact_date, contact_kind, "
        "contact_channel, contact_performed_by, contact_outcome, contact_minutes). "
        "Uden --commit er det en prøvekørsel; med --commit "
        "importeres alt eller intet."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="Gem importen (ellers prøvekørsel).")
        parser.add_argument("--user", help="Brugernavn, der står som afsender i adgangsloggen.")

    def handle(self, *args, file, commit, user=None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Brugeren '{user}' findes ikke.")
        try:
            data, name = read_path(file)
        except OSError as exc:
            raise CommandError(f"Filen kan ikke læses: {exc}") from None
        started = time.perf_counter()
        report, result = run_import(data, name, user=actor, commit=commit)
        elapsed = time.perf_counter() - started
        for error in report.errors:
            self.stdout.write(str(error))
        if options["verbosity"] >= 2:
            for row in report.rows:
                self.stdout.write(f"Række {row.row}: ok ({row.cpr[:6]}-xxxx, {row.target_group})")
            for contact in report.contacts:
                self.stdout.write(f"Række {contact.row}: ok ({contact.cpr[:6]}-xxxx, {contact.kind} "
                                  f"{contact.date:%d.%m.%Y})")
        if result is None:
            raise CommandError(f"{len(report.errors)} fejl i {name}. Intet er gemt.")
        verb = "Importeret" if result.committed else "Prøvekørsel (intet gemt)"
        self.stdout.write(
            f"{verb}: {report.lines} rækker, {result.created} nye borgere, {result.updated} ændrede, "
            f"{result.unchanged} uændrede, {result.enrolments_created} nye forløb, "
            f"{result.enrolments_ended} afsluttede forløb, {result.contacts_created} nye kontakter, "
            f"{result.contacts_updated} ændrede kontakter, {result.contacts_unchanged} uændrede kontakter "
            f"({elapsed:.1f} s)."
        )
        if result.refresh_scheduled:
            self.stdout.write("Borgernes kontaktkrav genberegnes nu i baggrunden (Celery).")
        if not result.committed:
            self.stdout.write("Kør igen med --commit for at gemme.")
