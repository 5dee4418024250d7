"""make bench's stand-in for a model endpoint: the tests' FakeOpenAI
(tests/integration/fakes.py) on a free loopback port. Prints the base URL,
then serves until stdin closes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from fakes import FakeOpenAI  # noqa: E402

fake = FakeOpenAI()
print(fake.base, flush=True)
sys.stdin.read()
fake.stop()
