"""The registration form as a browser posts it."""


def person_fields(n: int, level, **extra) -> dict:
    person = {
        "level": level.pk,
        "legal_name": f"Person {n}",
        "badge_name": f"Fox {n}",
        "birthdate": "1990-05-17",
        "email": f"person{n}@example.org",
        "phone": "+1 555 0100",
        "emergency_contact": "Sam +1 555 0101",
    }
    return {f"attendee-{n}-{key}": value for key, value in (person | extra).items()}


def post_order(client, level, people=2, submission="s1", **extra):
    data = {
        "attendee-TOTAL_FORMS": people,
        "attendee-INITIAL_FORMS": 0,
        "provider": "simulated",
        "submission": submission,
        "discount_code": "",
    }
    for n in range(people):
        data |= person_fields(n, level)
    return client.post(f"/register/?people={people}", data | extra)
