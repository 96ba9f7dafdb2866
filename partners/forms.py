from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext


class OrganisationFilterForm(forms.Form):
    """The directory's search form. Its fields come from partners.filters; this only
    lays them out. It submits with GET, so a search is a link that can be shared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "filter-form mb-3"
        self.helper.attrs = {"role": "search", "aria-label": gettext("Filtra gli enti")}
        self.helper.layout = Layout(
            Row(
                Column("q", css_class="col-md-5"),
                Column("kind", css_class="col-md-4"),
                Column(
                    HTML(
                        format_html(
                            '<button type="submit" class="btn btn-primary">{}</button>'
                            '<a class="btn btn-outline-secondary" href="?">{}</a>',
                            gettext("Filtra"),
                            gettext("Azzera"),
                        )
                    ),
                    css_class="col-md-3 d-flex gap-2 align-items-start filter-actions",
                ),
            )
        )
