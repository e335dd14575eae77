"""Public-site test data. Create inside ``tenant_context(tenant)``."""

import factory

from front.models import Page, SiteBranding


class SiteBrandingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteBranding

    brand_colour = "#5b21b6"
    brand_text_colour = "#ffffff"
    description = "A weekend of fursuits, panels and dances."


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = "Be excellent to each other."
