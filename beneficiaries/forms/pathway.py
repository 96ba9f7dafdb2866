"""Forms of the support pathway. They check the shape of what is typed; the rules live in
beneficiaries.services.pathway, whose ValidationErrors the views put back on the form.
Every dropdown is filled from the scoped selectors by the view."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries import autonomy
from beneficiaries.forms.ethos import ethos_field
from beneficiaries.models import (
    Action,
    AutonomyAssessment,
    AutonomyReached,
    CaseExit,
    CaseNote,
    Document,
    ExitDestination,
    FollowUp,
    Goal,
    LifeDomain,
    SupportPlan,
)
from core import uploads
from core.forms import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH, DateInput
from core.validators import validate_document_expiry


def _helper() -> FormHelper:
    # Templates write the <form> tag and the buttons themselves.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def _required(message):
    return {"required": message}


class PlanForm(forms.Form):
    agreed_on = forms.DateField(
        label=_("Concordato con il nucleo il"),
        widget=DateInput(),
        error_messages=_required(_("Indica quando il progetto è stato concordato con il nucleo.")),
    )
    review_interval_months = forms.TypedChoiceField(
        label=_("Frequenza delle verifiche"),
        choices=SupportPlan.ReviewInterval.choices,
        coerce=int,
        initial=SupportPlan.ReviewInterval.QUARTERLY,
    )
    summary = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Obiettivo generale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In poche righe, dove il nucleo vuole arrivare."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class PlanUpdateForm(PlanForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["agreed_on"]


class GoalForm(forms.Form):
    domain = forms.ChoiceField(
        label=_("Ambito"),
        choices=[("", _("Scegli l'ambito")), *LifeDomain.choices],
        error_messages=_required(_("Scegli l'ambito dell'obiettivo.")),
    )
    description = forms.CharField(
        label=_("Obiettivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages=_required(_("Scrivi l'obiettivo.")),
        help_text=_("Per esempio: trovare un lavoro stabile entro un anno."),
    )
    visible_to_household = forms.BooleanField(
        label=_("Visibile al nucleo in «Il mio percorso»"),
        required=False,
        help_text=_("Gli obiettivi di salute non sono mai mostrati al nucleo."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class GoalCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Esito"),
        choices=[
            c
            for c in Goal.Status.choices
            if c[0] not in (Goal.Status.OPEN, Goal.Status.NOT_REACHED)
        ],
        widget=forms.RadioSelect,
        error_messages=_required(
            _("Scegli se l'obiettivo è raggiunto, raggiunto in parte o abbandonato.")
        ),
    )
    closed_on = forms.DateField(label=_("Concluso il"), widget=DateInput())
    outcome_notes = forms.CharField(
        label=_("Note sull'esito"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ActionForm(forms.Form):
    """A new action of a goal. Who is responsible is one choice among the workers of the
    case, the members of the household and the partner organisations, grouped; the form
    turns it into the kind and the row the service takes."""

    description = forms.CharField(
        label=_("Azione"),
        max_length=300,
        error_messages=_required(_("Scrivi l'azione.")),
        help_text=_("Per esempio: iscrizione al centro per l'impiego."),
    )
    due_on = forms.DateField(
        label=_("Entro il"),
        widget=DateInput(),
        error_messages=_required(_("Indica entro quando va fatta.")),
    )
    responsible = forms.ChoiceField(
        label=_("Chi è responsabile"),
        error_messages={
            "required": _("Scegli chi è responsabile dell'azione."),
            "invalid_choice": _("Scegli il responsabile tra le persone e gli enti proposti."),
        },
        help_text=_("Un operatore, un componente del nucleo o un ente partner."),
    )
    visible_to_household = forms.BooleanField(
        label=_("Visibile al nucleo in «Il mio percorso»"),
        required=False,
        help_text=_("Il nucleo la vede solo se vede anche il suo obiettivo."),
    )

    # The prefix of each kind's values: "worker:12", "member:7", "org:3".
    PREFIXES = {
        Action.Responsible.WORKER: "worker",
        Action.Responsible.HOUSEHOLD_MEMBER: "member",
        Action.Responsible.ORGANISATION: "org",
    }

    def __init__(self, *args, workers, members, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        groups = [
            (Action.Responsible.WORKER, _("Operatori"), workers),
            (Action.Responsible.HOUSEHOLD_MEMBER, _("Componenti del nucleo"), members),
            (Action.Responsible.ORGANISATION, _("Enti partner"), organisations),
        ]
        self._owners = {}
        choices = [("", _("Scegli chi è responsabile"))]
        for kind, label, rows in groups:
            options = []
            for row in rows:
                value = f"{self.PREFIXES[kind]}:{row.pk}"
                self._owners[value] = (kind, row)
                options.append((value, str(row)))
            if options:
                choices.append((label, options))
        self.fields["responsible"].choices = choices
        self.helper = _helper()

    @classmethod
    def value_for(cls, kind: str, pk) -> str:
        return f"{cls.PREFIXES[kind]}:{pk}"

    def responsible_fields(self, value: str | None = None) -> dict:
        """The service's arguments for the chosen responsible: its kind and its row (a
        worker, a person or an organisation), the others None; no kind when none."""
        if value is None:
            value = self.cleaned_data.get("responsible") if hasattr(self, "cleaned_data") else None
        kind, row = self._owners.get(value or "", (None, None))
        return {
            "responsible_kind": kind,
            "responsible_worker": row if kind == Action.Responsible.WORKER else None,
            "responsible_person": row if kind == Action.Responsible.HOUSEHOLD_MEMBER else None,
            "responsible_organisation": row if kind == Action.Responsible.ORGANISATION else None,
        }


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Stato"), choices=Action.Status.choices)


class ReviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Svolta il"),
        widget=DateInput(),
        error_messages=_required(_("Indica quando si è svolta la verifica.")),
    )
    outcome = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Esito della verifica"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required(_("Scrivi l'esito della verifica.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


def level_field_name(domain: str) -> str:
    return f"level_{domain}"


class AssessmentForm(forms.Form):
    """One radio group per domain of the scale, each level with its plain description."""

    moment = forms.ChoiceField(
        label=_("Momento"),
        choices=AutonomyAssessment.Moment.choices,
        widget=forms.RadioSelect,
    )
    taken_on = forms.DateField(
        label=_("Data della valutazione"),
        widget=DateInput(),
        error_messages=_required(_("Indica la data della valutazione.")),
    )
    notes = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in autonomy.DOMAINS:
            self.fields[level_field_name(domain.value)] = forms.TypedChoiceField(
                label=domain.label,
                choices=[(lvl.value, lvl.label) for lvl in autonomy.levels(domain.value)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages=_required(
                    gettext("Scegli un livello per «%(domain)s».") % {"domain": domain.label}
                ),
            )

    def level_fields(self):
        return [self[level_field_name(d.value)] for d in autonomy.DOMAINS]

    def levels(self) -> dict[str, int | None]:
        return {d.value: self.cleaned_data.get(level_field_name(d.value)) for d in autonomy.DOMAINS}


class HouseholdChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return getattr(obj, "reference_name", None) or gettext(
            "Nucleo senza persona di riferimento"
        )


class CaseNoteForm(forms.Form):
    happened_on = forms.DateField(
        label=_("Data"),
        widget=DateInput(),
        error_messages=_required(_("Indica la data.")),
    )
    kind = forms.ChoiceField(
        label=_("Tipo"),
        choices=[("", _("Scegli il tipo")), *CaseNote.Kind.choices],
        error_messages=_required(_("Scegli il tipo di contatto.")),
    )
    duration_minutes = forms.IntegerField(
        label=_("Durata (minuti)"),
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "required": _("Indica la durata in minuti."),
            "min_value": _("La durata va da 1 minuto a 24 ore."),
            "max_value": _("La durata va da 1 minuto a 24 ore."),
        },
    )
    text = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        label=_("Resoconto"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required(_("Scrivi il resoconto.")),
    )
    is_confidential = forms.BooleanField(
        label=_("Nota riservata"),
        required=False,
        help_text=_("La leggerà solo il personale del tuo ente."),
    )
    households = HouseholdChoiceField(
        label=_("Altri nuclei che hanno partecipato"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo per attività di gruppo o di comunità."),
    )

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = households
        self.helper = _helper()


class DiaryFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Tipo"), choices=CaseNote.Kind.choices, empty_label=_("Tutti i tipi")
    )
    since = django_filters.DateFilter(
        label=_("Dal"), field_name="happened_on", lookup_expr="gte", widget=DateInput()
    )
    until = django_filters.DateFilter(
        label=_("Al"), field_name="happened_on", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = CaseNote
        fields = ["kind", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        helper = FormHelper()
        helper.form_method = "get"
        helper.form_class = "filter-form mb-3"
        helper.attrs = {"role": "search", "aria-label": gettext("Filtra il diario")}
        helper.layout = Layout(
            Row(
                Column("kind", css_class="col-md-4"),
                Column("since", css_class="col-md-3"),
                Column("until", css_class="col-md-3"),
                Column(
                    HTML(
                        format_html(
                            '<button type="submit" class="btn btn-primary">{}</button>'
                            '<a class="btn btn-outline-secondary" href="?">{}</a>',
                            gettext("Filtra"),
                            gettext("Azzera"),
                        )
                    ),
                    css_class="col-md-2 d-flex gap-2 align-items-start filter-actions",
                ),
            )
        )
        self.form.helper = helper


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo di documento"),
        choices=[("", _("Scegli il tipo")), *Document.Kind.choices],
        error_messages=_required(_("Scegli il tipo di documento.")),
    )
    person = forms.ModelChoiceField(
        label=_("Di chi"),
        queryset=None,
        required=False,
        empty_label=_("Di tutto il nucleo"),
    )
    title = forms.CharField(label=_("Descrizione"), max_length=200, required=False)
    expires_on = forms.DateField(
        label=_("Scade il"),
        required=False,
        widget=DateInput(),
        validators=[validate_document_expiry],
        help_text=_("Obbligatoria per documenti d'identità, permessi di soggiorno e ISEE."),
    )
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Scegli il file da caricare."),
            "empty": _("Il file è vuoto."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )

    def __init__(self, *args, members, max_megabytes: int, oversized: bool = False, **kwargs):
        """`oversized`: the upload handler dropped the file for its size
        (core.uploads.SizeLimitUploadHandler), so it is missing for that reason."""
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members
        if oversized:
            self.fields["file"].error_messages["required"] = uploads.too_large_message()
        self.fields["file"].help_text = gettext("PDF, JPEG o PNG, al massimo %(size)s MB.") % {
            "size": max_megabytes
        }
        self.helper = _helper()


class DocumentReplaceForm(forms.Form):
    """A newer version of a document: same kind and person, a new file."""

    file = forms.FileField(
        label=_("Nuova versione del file"),
        error_messages={
            "required": _("Scegli il file della nuova versione."),
            "empty": _("Il file è vuoto."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
    title = forms.CharField(
        label=_("Descrizione"),
        max_length=200,
        required=False,
        help_text=_("Lascia vuoto per tenere la descrizione della versione precedente."),
    )
    expires_on = forms.DateField(
        label=_("Scade il"),
        required=False,
        widget=DateInput(),
        help_text=_("Obbligatoria per documenti d'identità, permessi di soggiorno e ISEE."),
    )

    def __init__(self, *args, max_megabytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("PDF, JPEG o PNG, al massimo %(size)s MB.") % {
            "size": max_megabytes
        }
        self.helper = _helper()


class DocumentDeleteForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché elimini il documento"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("Scrivi perché elimini il documento.")),
        help_text=_(
            "Per esempio: caricato per errore, è di un'altra persona. Resta nello storico "
            "del nucleo con il tuo nome; il file viene cancellato."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CaseCloseForm(forms.Form):
    closed_on = forms.DateField(
        label=_("Data di uscita"),
        widget=DateInput(),
        error_messages=_required(_("Indica la data di uscita.")),
    )
    reason = forms.ChoiceField(
        label=_("Motivo dell'uscita"),
        choices=[("", _("Scegli il motivo")), *CaseExit.Reason.choices],
        error_messages=_required(_("Indica il motivo dell'uscita.")),
    )
    destination = forms.ChoiceField(
        label=_("Dove va a vivere il nucleo"),
        choices=[("", _("Scegli la destinazione")), *ExitDestination.choices],
        error_messages=_required(_("Indica dove va a vivere il nucleo.")),
    )
    autonomy_reached = forms.ChoiceField(
        label=_("Il nucleo ha raggiunto l'autonomia?"),
        choices=AutonomyReached.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Indica se il nucleo ha raggiunto l'autonomia.")),
    )
    ethos_light = ethos_field(_("Situazione abitativa all'uscita (ETHOS Light)"))
    notes = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )
    schedule_follow_ups = forms.BooleanField(
        label=_("Programma i follow-up a 3, 6 e 12 mesi"),
        required=False,
        initial=True,
        help_text=_("Serve il consenso del nucleo a essere ricontattato dopo l'uscita."),
    )

    goal_outcome = forms.ChoiceField(
        label=_("Gli obiettivi ancora in corso si concludono come"),
        choices=[(s, Goal.Status(s).label) for s in Goal.CLOSED_STATUSES],
        initial=Goal.Status.NOT_REACHED,
        help_text=_(
            "Per tutti gli obiettivi in corso; sotto puoi scegliere obiettivo per obiettivo."
        ),
    )

    GOAL_PREFIX = "goal_"

    def __init__(self, *args, open_goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.open_goals = list(open_goals)
        if not self.open_goals:
            del self.fields["goal_outcome"]
        for goal in self.open_goals:
            self.fields[f"{self.GOAL_PREFIX}{goal.pk}"] = forms.ChoiceField(
                label=str(goal),
                required=False,
                choices=[("", _("Come sopra"))]
                + [(s, Goal.Status(s).label) for s in Goal.CLOSED_STATUSES],
            )
        self.helper = _helper()

    def service_arguments(self) -> dict:
        """The cleaned data as the closing service takes it: the goals' outcomes gathered."""
        data = dict(self.cleaned_data)
        outcomes = {}
        for goal in self.open_goals:
            status = data.pop(f"{self.GOAL_PREFIX}{goal.pk}", "")
            if status:
                outcomes[goal.pk] = status
        data.setdefault("goal_outcome", Goal.Status.NOT_REACHED)
        data["goal_outcomes"] = outcomes
        return data


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Data del contatto"),
        widget=DateInput(),
        error_messages=_required(_("Indica la data del contatto.")),
    )
    still_housed = forms.ChoiceField(
        label=_("Il nucleo ha ancora una casa?"),
        choices=FollowUp.StillHoused.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Indica se il nucleo ha ancora una casa.")),
    )
    housing_situation = forms.ChoiceField(
        label=_("Dove vive"),
        choices=[("", _("Scegli")), *ExitDestination.choices],
        required=False,
        help_text=_(
            "Le stesse voci della dimissione. Deve essere coerente con la risposta sopra: "
            "chi ha perso la casa non vive in una casa propria."
        ),
    )
    where = forms.CharField(label=_("Indirizzo o comune"), max_length=200, required=False)
    ethos_light = ethos_field(_("Situazione abitativa al follow-up (ETHOS Light)"))
    notes = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
