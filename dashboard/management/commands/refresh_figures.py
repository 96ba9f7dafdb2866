"""The night job of the dashboards (dashboard/figures.py): compute, before the day
starts, the figures each coordinator finds first — the current year of every project
they coordinate, of their network dashboard and of their reporting page, and the sums
of their "La mia giornata" for the day — and forget
the snapshots nobody has read for a week. Safe to run at any time: it only computes and stores counts."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.access import accesses_for
from dashboard import figures
from dashboard.forms import default_period
from dashboard.indicators import Dimension, pages
from dashboard.indicators.housing_first import Split
from dashboard.selectors import my_day
from partners.models import StaffMembership


class Command(BaseCommand):
    help = "Ricalcola le cifre dei cruscotti per l'anno in corso e dimentica quelle non lette."

    def handle(self, *args, **options):
        started = time.perf_counter()
        period = default_period()
        coordinators = (
            get_user_model()
            .objects.filter(
                is_active=True,
                staff_memberships__is_active=True,
                staff_memberships__role=StaffMembership.Role.COORDINATOR,
            )
            .distinct()
            .order_by("pk")
        )
        coordinators = list(coordinators)
        coordinating = [
            (user, access)
            for user, access in zip(coordinators, accesses_for(coordinators), strict=True)
            if access.coordinated_projects
        ]
        networks = {access.coordinated_projects for _user, access in coordinating}
        wanted = [
            ("dashboard", pages.figure_params([project_id], period, None))
            for project_id in sorted(set().union(*networks))
        ]
        for ids in sorted(networks, key=sorted):
            wanted.append(("dashboard", pages.figure_params(ids, period, Dimension.PROJECT)))
            wanted.append(("reporting", pages.figure_params(ids, period, Split.TOTAL)))
        # Each coordinator's sums of "La mia giornata" for the day ahead.
        today = timezone.localdate()
        wanted += [
            ("my_day_sums", my_day.sum_params(user=user, today=today)) for user, _a in coordinating
        ]
        for kind, params in wanted:
            figures.get(kind, params, force=True)
        forgotten = figures.forget_unread()
        self.stdout.write(
            f"Cifre ricalcolate: {len(wanted)} pagine in {time.perf_counter() - started:.1f} s; "
            f"{forgotten} non lette da una settimana tolte."
        )
