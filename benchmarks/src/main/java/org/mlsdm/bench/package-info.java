/**
 * The benchmarks of the state store: {@link org.mlsdm.bench.StateBenchmark} (JMH), {@link
 * org.mlsdm.bench.Compare} (the Java side of {@code benchmarks/scripts/compare.sh}, timed against
 * Python), the baselines {@link org.mlsdm.bench.Floor} (raw bytes, the physical floor) and {@link
 * org.mlsdm.bench.HandWritten} (Jackson databind), and the workloads ({@link
 * org.mlsdm.bench.Workload}). They use only the library's exported API, {@code org.mlsdm.state},
 * whose package documentation maps the layers below it (store → schema and codecs → io);
 * BENCHMARKS.md has the commands and figures.
 */
package org.mlsdm.bench;
