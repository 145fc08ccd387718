"""One SparkSession per test process (``local[2]``), and the data both engines read.

Spark tests are marked ``spark``; without pyspark or Java they are skipped with
the reason, except under ``WEAKTIES_CI`` where they fail: CI installs both.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers import Unavailable, _apt_install, in_ci

JDBC_JAR = "/usr/share/java/postgresql.jar"

# The tests' JVM runs a few dozen small plans in a few minutes: the optimising
# compiler (C2) and the parallel collector's threads cost it more CPU than they
# give back (measured on a run of test_batch's: 37 s of JVM CPU for the first run
# and 12 s for the next with the defaults, 19 s and 6 s with these). How Java is
# compiled changes no value a plan computes; a deployment's JVM keeps the defaults.
TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from weakties.scale.session import spark_available, spark_session

    why = spark_available()
    if why is not None:
        if in_ci():
            pytest.fail(f"Spark needed in CI: {why}")
        pytest.skip(why)
    if not os.path.exists(JDBC_JAR):
        # the session loads the PostgreSQL driver when it starts, if it is there
        with contextlib.suppress(Unavailable):
            _apt_install("libpostgresql-jdbc-java")
    # read by the JVM the session starts (and only by it: put back at once)
    before = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = f"{before or ''} {TEST_JVM_OPTIONS}".strip()
    try:
        session = spark_session("local[2]", partitions=2)
    finally:
        if before is None:
            os.environ.pop("JAVA_TOOL_OPTIONS", None)
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = before
    # The tests' tables hold a few to a few thousand rows: Spark compiling Java for
    # each plan (whole-stage code generation, and each expression's with Janino)
    # costs more than evaluating them, most of all the fitted model's score, one
    # expression of some 120 ramps. Interpreted evaluation computes the same values
    # (Spark's own tests run both ways); a deployment's batch keeps the compiled one.
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    session.conf.set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
    yield session
    session.stop()
