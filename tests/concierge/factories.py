import factory

from concierge.models import Requester, Ticket


class RequesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requester

    email = factory.Sequence(lambda n: f"requester{n}@example.org")
    name = factory.Faker("name")
    preferred_language = "en"
    country = "DE"


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    requester = factory.SubFactory(RequesterFactory)
    subject = "Need help on tour"
    source = Ticket.Source.EMAIL
