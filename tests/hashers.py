from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 as in production, with the cheapest parameters: tests log in hundreds of times,
    and a production-strength hash costs ~50 ms each."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
