"""Remember which JVM class or static method a Py4J name means, so a lookup crosses the socket once.

Every ``F.col``, ``F.when`` or ``df.select`` of PySpark 3.5 resolves ``sc._jvm.functions`` (or
``PythonUtils``) by name before calling it. Py4J answers each such lookup with a fresh round trip
to the JVM, which tries every import of the view in turn, failing class loads until one fits:
three round trips and a burst of failed ``Class.forName`` per function call. Our transforms
build plans of thousands of expressions, so these lookups were about a third of the driver's
Python time in a small ingest (docs/decisions/0009-py4j-lookup-cache.md: a warm 2,000-line ingest
run one job at a time went from 116 s to 86 s).

Upstream fixed the same thing twice, neither in the versions we run: Spark 4.0 resolves
``org.apache.spark.sql.functions`` by its full name (SPARK-48475) and Py4J's master memoizes
these lookups (py4j/py4j#596); PySpark 3.5 pins Py4J 0.10.9.7. This module applies Py4J's
memoization to the installed classes. Only answers that cannot change while the JVM lives are
kept: a class for a name, a package for a name, a static method of a class. A static *field*'s
value is never cached (it can change).
"""

from __future__ import annotations

from py4j.java_gateway import JavaClass, JavaMember, JavaPackage, JVMView

_CACHE = "_upt_lookups"
_INSTALLED = "_upt_lookup_cache_installed"


def _memoized(lookup, keeps: tuple[type, ...]):
    def cached_lookup(self, name):
        cache = self.__dict__.get(_CACHE)
        if cache is None:
            cache = self.__dict__.setdefault(_CACHE, {})
        found = cache.get(name)
        if found is None:
            found = lookup(self, name)
            if isinstance(found, keeps):
                cache[name] = found
        return found

    cached_lookup.__wrapped__ = lookup
    return cached_lookup


def install() -> None:
    """Memoize name lookups on ``JVMView``, ``JavaPackage`` and ``JavaClass`` (idempotent)."""
    if getattr(JVMView, _INSTALLED, False):
        return
    JVMView.__getattr__ = _memoized(JVMView.__getattr__, (JavaClass, JavaPackage))
    JavaPackage.__getattr__ = _memoized(JavaPackage.__getattr__, (JavaClass, JavaPackage))
    JavaClass.__getattr__ = _memoized(JavaClass.__getattr__, (JavaMember, JavaClass))
    setattr(JVMView, _INSTALLED, True)


def uninstall() -> None:
    """Back to Py4J's own lookups (for the benchmark's baseline and the tests)."""
    if not getattr(JVMView, _INSTALLED, False):
        return
    for cls in (JVMView, JavaPackage, JavaClass):
        cls.__getattr__ = cls.__getattr__.__wrapped__
    setattr(JVMView, _INSTALLED, False)
