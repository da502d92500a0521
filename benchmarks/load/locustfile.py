"""Twenty practitioners browsing children's records and searching (benchmarks/load/run.py starts it headless).

Each simulated user signs in once as one of the load personas (MASH practitioners, or police and health contributors,
so the scoping queries run for both), then, with a short think time: opens a child's page, the child's chronology,
searches by name as the search box does (htmx fragment), and through the API.
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

CHILDREN = int(os.environ.get("LOAD_CHILDREN", "1000"))
FIRST_CHILD = int(os.environ.get("LOAD_FIRST_CHILD", "1"))
USERS = os.environ.get("LOAD_USERS", "load0").split(",")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
NAMES = os.environ.get("LOAD_NAMES", "Smith,Jones").split(",")
_next_user = iter(range(10**9))


class Practitioner(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.rng = random.Random(next(_next_user))
        username = USERS[self.rng.randrange(len(USERS))]
        page = self.client.get("/login/", name="/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                         headers={"Referer": f"{self.host}/login/"}, name="/login/ (POST)")

    def child(self) -> int:
        return FIRST_CHILD + self.rng.randrange(CHILDREN)

    @task(4)
    def child_page(self) -> None:
        with self.client.get(f"/people/children/{self.child()}/", name="/people/children/[id]/",
                             catch_response=True) as response:
            if response.status_code == 404:  # outside this persona's scope: a correct answer, not an error
                response.success()

    @task(2)
    def chronology(self) -> None:
        with self.client.get(f"/people/children/{self.child()}/chronology/", name="/people/children/[id]/chronology/",
                             catch_response=True) as response:
            if response.status_code == 404:
                response.success()

    @task(3)
    def search_as_you_type(self) -> None:
        name = self.rng.choice(NAMES)
        typed = name[: self.rng.randint(3, len(name))] if len(name) > 3 else name
        self.client.get("/people/children/", params={"name": typed}, headers={"HX-Request": "true"},
                        name="/people/children/?name= (htmx)")

    @task(1)
    def api_search(self) -> None:
        self.client.get("/api/v1/people/search", params={"name": self.rng.choice(NAMES)},
                        name="/api/v1/people/search?name=")
