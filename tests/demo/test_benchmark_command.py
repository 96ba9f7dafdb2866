"""The benchmark command: measures the dashboard on a throwaway project, then leaves
the database as it was."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from beneficiaries.models import Household
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_it_prints_the_server_time_and_the_queries_then_rolls_back(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("benchmark_dashboard", households=40, runs=3, stdout=out)
    text = out.getvalue()
    assert "Creati 40 nuclei" in text
    line = re.search(r"Cruscotto del progetto: mediana (\d+) ms, min (\d+) ms, max (\d+) ms "
                     r"su 3 esecuzioni; (\d+) query", text)  # fmt: skip
    assert line, text
    median, low, high, queries = map(int, line.groups())
    assert low <= median <= high
    assert 0 < queries <= 30
    assert "Carichi di lavoro: mediana" in text
    assert not Project.objects.filter(name__startswith="Progetto Benchmark").exists()
    assert not Household.objects.exists()


def test_it_refuses_a_site_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("benchmark_dashboard", households=5, runs=1, stdout=io.StringIO())
    out = io.StringIO()
    call_command("benchmark_dashboard", households=5, runs=1, force=True, stdout=out)
    assert "Dati di prova annullati" in out.getvalue()
