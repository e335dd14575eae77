import secrets

import factory

from tenant.models import Application, Membership, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    is_tenant_superuser = False
    is_developer = False


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A confidential OAuth client; its plain secret is kept on ``plain_secret`` (stored hashed)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    name = "Front desk kiosk"
    client_type = Application.CLIENT_CONFIDENTIAL
    authorization_grant_type = Application.GRANT_CLIENT_CREDENTIALS
    client_secret = factory.LazyFunction(lambda: secrets.token_urlsafe(24))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = kwargs["client_secret"]
        application = super()._create(model_class, *args, **kwargs)
        application.plain_secret = secret
        return application
