from .support import own_redis_and_worker  # noqa: F401 - a fixture for the tests here
