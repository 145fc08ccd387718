"""The Spark session of the batch pipeline: imported lazily, configured once.

``pyspark`` and a Java runtime (17) are needed: ``pip install 'weakties[spark]'``.
A session defaults to ``local[2]`` (both cores of one machine); on a cluster,
pass the master URL (``spark://host:7077``, ``yarn``) or set ``WEAKTIES_SPARK_MASTER``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import Any

from weakties.errors import WeaktiesError

__all__ = [
    "SparkUnavailable",
    "local_cores",
    "postgres_driver_jar",
    "spark_available",
    "spark_session",
]

DEFAULT_MASTER = "local[2]"


class SparkUnavailable(WeaktiesError):
    """pyspark or a Java runtime is missing."""

    exit_code = 3


def spark_available() -> str | None:
    """None when a session can start here, else why not (in words)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed: pip install 'weakties[spark]'"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime: install OpenJDK 17 (apt-get install openjdk-17-jre-headless)"
    return None


def local_cores(master: str) -> int | None:
    """The cores a ``local``, ``local[N]`` or ``local[*]`` master runs on; None on a
    cluster.

    >>> local_cores("local[2]"), local_cores("local"), local_cores("yarn")
    (2, 1, None)
    """
    found = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\s*\d+)?\])?", master.strip())
    if found is None:
        return None
    if found.group(1) in (None, ""):
        return 1
    return os.cpu_count() or 1 if found.group(1) == "*" else int(found.group(1))


def spark_session(master: str | None = None, *, partitions: int | None = None) -> Any:
    """The batch's SparkSession (an existing one is reused).

    Times are UTC throughout (the store keeps naive UTC datetimes); the web UI
    is off; on ``local[N]`` the driver binds to the loopback address.

    Shuffles are cut into ``partitions`` parts: by default four per core on
    ``local[N]`` (Spark's 200 would make 200 tasks of a few rows each), the
    cluster's own setting elsewhere; adaptive execution then merges parts that
    came out small and turns joins with a small side into broadcasts.

    Raises
    ------
    SparkUnavailable
        Without pyspark or Java.
    """
    why = spark_available()
    if why is not None:
        raise SparkUnavailable(why)
    from pyspark.sql import SparkSession

    master = master or os.environ.get("WEAKTIES_SPARK_MASTER") or DEFAULT_MASTER
    # the Python workers run the same interpreter as the driver
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("weakties-batch")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("WEAKTIES_SPARK_MEMORY", "2g"))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
        .config("spark.sql.adaptive.skewJoin.enabled", "true")
        .config("spark.sql.execution.pythonUDF.arrow.enabled", "false")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
    )
    cores = local_cores(master)
    if partitions is None and cores is not None:
        partitions = 4 * cores
    if partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    if cores is not None:
        # adaptive execution merges a shuffle's parts into ones of at least
        # this size (1 MiB by default): on one machine's data that leaves one
        # task, and a join that makes many rows from a small table (the
        # suggestions' two and three steps) then runs on one core of N
        builder = builder.config("spark.sql.adaptive.coalescePartitions.minPartitionSize", "64k")
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    jar = postgres_driver_jar()
    if jar is not None:
        builder = builder.config("spark.jars", jar)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def postgres_driver_jar() -> str | None:
    """The PostgreSQL JDBC driver's jar, if one is installed: ``WEAKTIES_JDBC_JAR``,
    else Debian's ``libpostgresql-jdbc-java``."""
    for candidate in (
        os.environ.get("WEAKTIES_JDBC_JAR"),
        "/usr/share/java/postgresql.jar",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
