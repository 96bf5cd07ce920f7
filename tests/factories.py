"""factory_boy factories for the models."""

from __future__ import annotations

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from contributions import models
from contributions.services.contributions import content_digest


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        from contributions.services.accounts import user_set_roles

        if not create:
            return
        self.save()
        if extracted:
            user_set_roles(user=self, role_names=set(extracted), actor=None)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ContributorProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    display_name = factory.Faker("name")
    dco_consented_at = factory.LazyFunction(timezone.now)
    dco_version = settings.DCO_VERSION
    email_verified_at = factory.LazyFunction(timezone.now)


def skill_content(n: int = 5) -> dict:
    return {
        "version": 3,
        "created_by": "cephportal-tests",
        "task_description": "Explain which Ceph command answers an operator's question.",
        "seed_examples": [
            {
                "question": f"How do I check cluster health, variant {i}?",
                "answer": f"Run `ceph health detail` (variant {i}).",
            }
            for i in range(1, n + 1)
        ],
    }


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contribution

    kind = models.Contribution.Kind.SKILL
    author = factory.SubFactory(UserFactory)
    summary = factory.Sequence(lambda n: f"Teach Ceph health checks {n}")
    taxonomy_path = factory.Sequence(lambda n: f"compositional_skills/ceph/health_checks_{n}")
    draft = factory.LazyFunction(lambda: {"entry": skill_content(), "attribution": {}})
    draft_version = 1


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Revision

    contribution = factory.SubFactory(ContributionFactory)
    number = factory.Sequence(lambda n: n + 1)
    kind = factory.SelfAttribute("contribution.kind")
    taxonomy_path = factory.SelfAttribute("contribution.taxonomy_path")
    summary = factory.SelfAttribute("contribution.summary")
    content = factory.LazyFunction(skill_content)
    attribution = factory.LazyFunction(dict)
    content_sha256 = factory.LazyAttribute(
        lambda r: content_digest(content=r.content, attribution=r.attribution)
    )
    created_by = factory.SelfAttribute("contribution.author")


class PullRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PullRequest

    contribution = factory.SubFactory(ContributionFactory)
    revision = factory.SubFactory(
        RevisionFactory, contribution=factory.SelfAttribute("..contribution")
    )
    repo = "ceph/ceph-taxonomy"
    number = factory.Sequence(lambda n: n + 1)
    url = factory.LazyAttribute(lambda pr: f"https://github.com/{pr.repo}/pull/{pr.number}")
    branch = factory.Sequence(lambda n: f"cephportal/entry-{n}")
