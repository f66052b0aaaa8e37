"""Helpers shared by the pytest suite, the example applications and the notebooks.

Nothing here is needed to *use* the plugin: a PySpark application needs only the shaded jar in
``spark.jars`` and the three settings of ``spark-conf/spark-defaults.conf``. The helpers find the
built jars, start a throwaway Kafka broker (the bench harness's, through a tiny Java launcher) and
produce/consume deterministic test data.
"""
